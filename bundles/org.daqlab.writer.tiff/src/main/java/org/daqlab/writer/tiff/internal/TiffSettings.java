package org.daqlab.writer.tiff.internal;

import java.util.Arrays;
import java.util.Locale;

/**
 * The TIFF-specific settings of a writer instance, validated.
 *
 * @param compression  none or deflate
 * @param level        the deflate level, 1 to 9
 * @param predictor    horizontal differencing before deflate (integer pixels)
 * @param bigTiff      when files are BigTIFF
 * @param threads      compression worker threads
 * @param classicLimit classic TIFF holds everything below this offset: 4 GiB (smaller in tests)
 */
record TiffSettings(Compression compression, int level, boolean predictor, BigTiff bigTiff, int threads,
        long classicLimit) {

    /** Offsets in classic TIFF are 32-bit. */
    static final long FOUR_GIB = 1L << 32;

    /** The {@code compression} options. */
    enum Compression {
        NONE, DEFLATE;

        String option() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The {@code bigtiff} options. */
    enum BigTiff {
        AUTO, ALWAYS, NEVER;

        String option() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @throws IllegalArgumentException naming the property, the value and the allowed values
     */
    static TiffSettings of(TiffWriterConfig config) {
        Compression compression = option("compression", config.compression(), Compression.values());
        BigTiff bigTiff = option("bigtiff", config.bigtiff(), BigTiff.values());
        int level = config.compression__level();
        if (compression == Compression.DEFLATE && (level < 1 || level > 9)) {
            throw new IllegalArgumentException("compression_level = " + level
                    + " is not a deflate level: use 1 (fastest) to 9 (smallest)");
        }
        if (config.compression__threads() < 0) {
            throw new IllegalArgumentException("compression_threads = " + config.compression__threads()
                    + " must be 0 (one per processor) or more");
        }
        int threads = config.compression__threads() == 0 ? Runtime.getRuntime().availableProcessors()
                : config.compression__threads();
        return new TiffSettings(compression, level, config.predictor(), bigTiff, threads, FOUR_GIB);
    }

    /** These settings with classic TIFF limited to {@code limit} bytes (tests reach "4 GiB" with little data). */
    TiffSettings withClassicLimit(long limit) {
        return new TiffSettings(compression, level, predictor, bigTiff, threads, limit);
    }

    /** Whether pages are compressed (on the worker pool). */
    boolean deflate() {
        return compression == Compression.DEFLATE;
    }

    /** A short description for the log. */
    String describe() {
        return "compression " + compression.option()
                + (deflate() ? " level " + level + (predictor ? " with predictor" : "") + ", " + threads + " threads" : "")
                + ", bigtiff " + bigTiff.option();
    }

    private static <E extends Enum<E>> E option(String property, String value, E[] options) {
        String v = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        for (E option : options) {
            if (option.name().equals(v)) {
                return option;
            }
        }
        throw new IllegalArgumentException(property + " = '" + value + "' is not one of "
                + Arrays.stream(options).map(o -> o.name().toLowerCase(Locale.ROOT)).toList());
    }
}
