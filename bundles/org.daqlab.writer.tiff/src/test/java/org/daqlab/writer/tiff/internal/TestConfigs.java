package org.daqlab.writer.tiff.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** {@link TiffWriterConfig} instances for tests, as Declarative Services would build them from a configuration. */
final class TestConfigs {

    private TestConfigs() {
    }

    /**
     * A configuration with the given values, by method name ({@code compression__level}); every other
     * attribute has its declared default.
     */
    static TiffWriterConfig config(Map<String, Object> values) {
        return (TiffWriterConfig) Proxy.newProxyInstance(TiffWriterConfig.class.getClassLoader(),
                new Class<?>[] {TiffWriterConfig.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return TiffWriterConfig.class;
                    }
                    if (method.getDefaultValue() == null) {
                        throw new UnsupportedOperationException(method.getName() + " is not a configuration attribute");
                    }
                    return values.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }

    /** A TIFF writer as Declarative Services activates it with {@code values}. */
    static TiffStorageWriter writer(Map<String, Object> values) {
        return new TiffStorageWriter(config(values));
    }

    /** A TIFF writer whose classic files end at {@code classicLimit} bytes instead of 4 GiB. */
    static TiffStorageWriter writer(Map<String, Object> values, long classicLimit) {
        TiffWriterConfig config = config(values);
        return new TiffStorageWriter(config.name(), TiffSettings.of(config).withClassicLimit(classicLimit));
    }
}
