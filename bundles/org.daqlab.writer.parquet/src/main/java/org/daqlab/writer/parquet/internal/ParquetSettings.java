package org.daqlab.writer.parquet.internal;

/**
 * The Parquet-specific settings of a writer instance, validated.
 *
 * @param compression     the page codec
 * @param level           its level (for zstd and gzip)
 * @param rowGroupBytes   compressed bytes at which a row group is closed
 * @param pageBytes       target size of a data page before compression
 * @param byteStreamSplit whether float32/float64 columns use BYTE_STREAM_SPLIT
 */
record ParquetSettings(ParquetCompression compression, int level, long rowGroupBytes, int pageBytes, boolean byteStreamSplit) {

    /**
     * Rows of a part stay spooled (copied to the journal at each flush) while their raw Arrow bytes
     * are below this: a slow stream flushed often then still gets large row groups. Above it, a
     * flush closes the part instead (see FORMAT.md).
     */
    static final long SPOOL_LIMIT_BYTES = 8L << 20;

    /**
     * @throws IllegalArgumentException naming the property, the value and the allowed range
     */
    static ParquetSettings of(ParquetWriterConfig config) {
        ParquetCompression compression = ParquetCompression.fromOption(config.compression());
        int level = compression.level(config.compression__level());
        if (config.row__group__mb() < 1 || config.row__group__mb() > 1024) {
            throw new IllegalArgumentException("row_group_mb = " + config.row__group__mb() + " must be 1 to 1024 (e.g. 64)");
        }
        if (config.page__kb() < 1 || config.page__kb() > 256 * 1024) {
            throw new IllegalArgumentException("page_kb = " + config.page__kb() + " must be 1 to 262144 (e.g. 1024)");
        }
        return new ParquetSettings(compression, level, (long) config.row__group__mb() << 20, config.page__kb() << 10,
                config.byte__stream__split());
    }

    /** Raw bytes below which a part's rows are spooled rather than closed into a part at a flush. */
    long spoolLimit() {
        return Math.min(SPOOL_LIMIT_BYTES, rowGroupBytes);
    }
}
