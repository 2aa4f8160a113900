package org.daqlab.writer.zarr.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** {@link ZarrWriterConfig} instances for tests, as Declarative Services would build them from a configuration. */
final class TestConfigs {

    private TestConfigs() {
    }

    /**
     * A configuration with the given values, by method name ({@code compression__level}); every other
     * attribute has its declared default.
     */
    static ZarrWriterConfig config(Map<String, Object> values) {
        return (ZarrWriterConfig) Proxy.newProxyInstance(ZarrWriterConfig.class.getClassLoader(),
                new Class<?>[] {ZarrWriterConfig.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return ZarrWriterConfig.class;
                    }
                    if (method.getDefaultValue() == null) {
                        throw new UnsupportedOperationException(method.getName() + " is not a configuration attribute");
                    }
                    return values.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }

    /** A Zarr writer as Declarative Services activates it with {@code values}. */
    static ZarrStorageWriter writer(Map<String, Object> values) {
        return new ZarrStorageWriter(config(values), "daqlab test");
    }
}
