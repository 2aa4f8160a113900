package org.daqlab.writer.arrow.internal;

/**
 * The Arrow-specific settings of a writer instance, validated.
 *
 * @param format       stream ({@code .arrows}) or file ({@code .arrow}) format
 * @param compression  the body compression
 * @param level        the ZSTD level (unused by the other codecs)
 * @param batchRows    batches with fewer rows are gathered up to this many rows; 0: no gathering
 * @param batchBytes   a gathered batch is also written once its buffers hold this many bytes
 */
record ArrowSettings(IpcFormat format, BodyCompression compression, int level, int batchRows, long batchBytes) {

    /** Gathering stops at this many bytes, so that a camera's frames never pile up in memory between flushes. */
    static final long DEFAULT_BATCH_BYTES = 8L << 20;

    /**
     * @throws IllegalArgumentException naming the property, the value and the allowed range
     */
    static ArrowSettings of(ArrowWriterConfig config) {
        IpcFormat format = IpcFormat.fromOption(config.format());
        BodyCompression compression = BodyCompression.fromOption(config.compression());
        int level = compression == BodyCompression.ZSTD ? BodyCompression.checkZstdLevel(config.compression__level())
                : config.compression__level();
        if (config.batch__rows() < 0) {
            throw new IllegalArgumentException("batch_rows = " + config.batch__rows()
                    + " must be 0 (write batches as they come) or more (e.g. 10000)");
        }
        return new ArrowSettings(format, compression, level, config.batch__rows(), DEFAULT_BATCH_BYTES);
    }

    /** A short description for the log. */
    String describe() {
        return format.option() + " format (." + format.extension() + "), compression " + compression.option()
                + (compression == BodyCompression.ZSTD ? " level " + level : "")
                + (batchRows > 0 ? ", batches gathered to " + batchRows + " rows" : ", batches written as they come");
    }
}
