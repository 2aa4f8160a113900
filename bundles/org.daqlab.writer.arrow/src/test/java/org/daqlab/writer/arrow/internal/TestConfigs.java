package org.daqlab.writer.arrow.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** {@link ArrowWriterConfig} instances for tests, as Declarative Services would build them from a configuration. */
final class TestConfigs {

    private TestConfigs() {
    }

    /**
     * A configuration with the given values, by method name ({@code compression__level}); every other
     * attribute has its declared default.
     */
    static ArrowWriterConfig config(Map<String, Object> values) {
        return (ArrowWriterConfig) Proxy.newProxyInstance(ArrowWriterConfig.class.getClassLoader(),
                new Class<?>[] {ArrowWriterConfig.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return ArrowWriterConfig.class;
                    }
                    if (method.getDefaultValue() == null) {
                        throw new UnsupportedOperationException(method.getName() + " is not a configuration attribute");
                    }
                    return values.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }

    /** An Arrow writer as Declarative Services activates it with {@code values}. */
    static ArrowStorageWriter writer(Map<String, Object> values) {
        return new ArrowStorageWriter(config(values));
    }
}
