package org.daqlab.writer.zarr.internal;

import java.util.Arrays;
import java.util.Locale;

/** The chunk codecs of the {@code compression} property; the option values are the lower-case names. */
enum ZarrCompression {
    /** Chunks stored as they are. */
    NONE(0, 0, 0),
    /** zstd frames (zstd-jni) with the content size, as numcodecs' Zstd needs; levels -131072…22. */
    ZSTD(3, -131072, 22),
    /** gzip members (the JDK's Deflater), levels 1–9. */
    GZIP(6, 1, 9);

    private final int defaultLevel;
    private final int minLevel;
    private final int maxLevel;

    ZarrCompression(int defaultLevel, int minLevel, int maxLevel) {
        this.defaultLevel = defaultLevel;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
    }

    /** The option value, as in the configuration and in the Zarr metadata ({@code zstd}, {@code gzip}). */
    String option() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The level to use for a configured {@code compression_level}: 0 means the codec's default;
     * {@code none} ignores it.
     *
     * @throws IllegalArgumentException naming the property, the value and the range
     */
    int level(int configured) {
        if (this == NONE || configured == 0) {
            return defaultLevel;
        }
        if (configured < minLevel || configured > maxLevel) {
            throw new IllegalArgumentException("compression_level = " + configured + " is outside " + option()
                    + "'s levels " + minLevel + "…" + maxLevel + " (0: the default, " + defaultLevel + ")");
        }
        return configured;
    }

    /**
     * @throws IllegalArgumentException naming the property, the value and the choices
     */
    static ZarrCompression fromOption(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (ZarrCompression c : values()) {
            if (c.option().equals(v)) {
                return c;
            }
        }
        throw new IllegalArgumentException("compression = '" + value + "' is not one of "
                + Arrays.stream(values()).map(ZarrCompression::option).toList());
    }
}
