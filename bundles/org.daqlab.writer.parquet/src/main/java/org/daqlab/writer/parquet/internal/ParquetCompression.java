package org.daqlab.writer.parquet.internal;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.util.Arrays;
import java.util.Locale;

/** The codecs of the {@code compression} property; the option values are the lower-case names. */
enum ParquetCompression {
    /** Pages stored as they are. */
    UNCOMPRESSED(CompressionCodecName.UNCOMPRESSED, 0, 0, 0),
    /** Snappy blocks (aircompressor, pure Java). */
    SNAPPY(CompressionCodecName.SNAPPY, 0, 0, 0),
    /** gzip members (the JDK's Deflater), levels 1–9. */
    GZIP(CompressionCodecName.GZIP, 6, 1, 9),
    /** zstd frames (zstd-jni), levels -131072…22. */
    ZSTD(CompressionCodecName.ZSTD, 3, -131072, 22),
    /** LZ4 blocks without framing (lz4-java), Parquet's LZ4_RAW. */
    LZ4_RAW(CompressionCodecName.LZ4_RAW, 0, 0, 0);

    final CompressionCodecName parquet;
    private final int defaultLevel;
    private final int minLevel;
    private final int maxLevel;

    ParquetCompression(CompressionCodecName parquet, int defaultLevel, int minLevel, int maxLevel) {
        this.parquet = parquet;
        this.defaultLevel = defaultLevel;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
    }

    /** The option value, as in the configuration. */
    String option() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The level to use for a configured {@code compression_level}: 0 means the codec's default;
     * codecs without levels ignore it.
     *
     * @throws IllegalArgumentException naming the property, the value and the range
     */
    int level(int configured) {
        if (maxLevel == 0 || configured == 0) {
            return defaultLevel;
        }
        if (configured < minLevel || configured > maxLevel) {
            throw new IllegalArgumentException("compression_level = " + configured + " is outside " + option()
                    + "'s levels " + minLevel + "…" + maxLevel + " (0: the default, " + defaultLevel + ")");
        }
        return configured;
    }

    /**
     * @throws IllegalArgumentException naming the value and the options
     */
    static ParquetCompression fromOption(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("none")) {
            return UNCOMPRESSED; // HDF5's name for the same
        }
        for (ParquetCompression c : values()) {
            if (c.option().equals(v)) {
                return c;
            }
        }
        throw new IllegalArgumentException("compression = '" + value + "' is not one of "
                + Arrays.stream(values()).map(ParquetCompression::option).toList() + " ('none' is accepted for uncompressed)");
    }
}
