package org.daqlab.writer.hdf5.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** {@link Hdf5WriterConfig} instances for tests, as Declarative Services would build them from a configuration. */
final class TestConfigs {

    private TestConfigs() {
    }

    /**
     * A configuration with the given values, by method name ({@code compression__level}); every other
     * attribute has its declared default.
     */
    static Hdf5WriterConfig hdf5WriterConfig(Map<String, Object> values) {
        return (Hdf5WriterConfig) Proxy.newProxyInstance(Hdf5WriterConfig.class.getClassLoader(),
                new Class<?>[] {Hdf5WriterConfig.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return Hdf5WriterConfig.class;
                    }
                    if (method.getDefaultValue() == null) {
                        throw new UnsupportedOperationException(method.getName() + " is not a configuration attribute");
                    }
                    return values.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }

    /** An HDF5 writer as Declarative Services activates it with {@code values}. */
    static Hdf5StorageWriter hdf5StorageWriter(Map<String, Object> values) {
        return new Hdf5StorageWriter(hdf5WriterConfig(values), "daqlab test");
    }
}
