package org.daqlab.writer.parquet.internal;

import org.apache.arrow.memory.BufferAllocator;

import java.lang.reflect.Proxy;
import java.util.Map;

/** {@link ParquetWriterConfig} instances for tests, as Declarative Services would build them from a configuration. */
final class TestConfigs {

    private TestConfigs() {
    }

    /**
     * A configuration with the given values, by method name ({@code compression__level}); every other
     * attribute has its declared default.
     */
    static ParquetWriterConfig config(Map<String, Object> values) {
        return (ParquetWriterConfig) Proxy.newProxyInstance(ParquetWriterConfig.class.getClassLoader(),
                new Class<?>[] {ParquetWriterConfig.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return ParquetWriterConfig.class;
                    }
                    if (method.getDefaultValue() == null) {
                        throw new UnsupportedOperationException(method.getName() + " is not a configuration attribute");
                    }
                    return values.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }

    /** A Parquet writer as Declarative Services activates it with {@code values}. */
    static ParquetStorageWriter writer(Map<String, Object> values, BufferAllocator root) {
        return new ParquetStorageWriter(config(values), root);
    }
}
