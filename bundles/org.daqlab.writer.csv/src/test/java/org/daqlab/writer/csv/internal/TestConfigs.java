package org.daqlab.writer.csv.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** {@link CsvWriterConfig} instances for tests, as Declarative Services would build them from a configuration. */
final class TestConfigs {

    private TestConfigs() {
    }

    /**
     * A configuration with the given values, by method name ({@code delimiter}); every other
     * attribute has its declared default.
     */
    static CsvWriterConfig csvWriterConfig(Map<String, Object> values) {
        return (CsvWriterConfig) Proxy.newProxyInstance(CsvWriterConfig.class.getClassLoader(),
                new Class<?>[] {CsvWriterConfig.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return CsvWriterConfig.class;
                    }
                    if (method.getDefaultValue() == null) {
                        throw new UnsupportedOperationException(method.getName() + " is not a configuration attribute");
                    }
                    return values.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }

    /** A CSV writer as Declarative Services activates it with {@code values}. */
    static CsvStorageWriter csvStorageWriter(Map<String, Object> values) {
        return new CsvStorageWriter(csvWriterConfig(values));
    }
}
