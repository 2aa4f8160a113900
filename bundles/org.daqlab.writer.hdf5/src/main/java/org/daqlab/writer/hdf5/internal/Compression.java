package org.daqlab.writer.hdf5.internal;

import java.util.Arrays;
import java.util.Locale;

/** The compression options of the {@code compression} property; the values are the option values. */
enum Compression {
    /** Chunks stored as they are. */
    NONE,
    /** zlib deflate (HDF5 filter 1, "gzip" in h5py), level 0–9. */
    DEFLATE,
    /** LZ4 blocks (registered HDF5 filter 32004). */
    LZ4;

    /** The option value, as in the configuration. */
    String option() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException naming the value and the options
     */
    static Compression fromOption(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("gzip")) {
            return DEFLATE; // h5py's name for the same filter
        }
        for (Compression c : values()) {
            if (c.option().equals(v)) {
                return c;
            }
        }
        throw new IllegalArgumentException("compression = '" + value + "' is not one of "
                + Arrays.stream(values()).map(Compression::option).toList() + " (gzip is accepted for deflate)");
    }
}
