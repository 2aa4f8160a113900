package org.daqlab.writer.zarr.internal;

/**
 * The Zarr-specific settings of a writer instance, validated.
 *
 * @param format         Zarr v3 or v2
 * @param compression    the chunk codec
 * @param level          its level (unused by {@code none})
 * @param chunkRows      rows per chunk of one-dimensional arrays
 * @param framesPerChunk rows per chunk of frame (tensor) arrays
 * @param shardFrames    rows per shard of frame arrays, a multiple of {@code framesPerChunk}; 0: no sharding
 * @param crc32c         whether chunks (and shard indexes) end with a CRC-32C
 * @param threads        compression worker threads
 */
record ZarrSettings(ZarrFormat format, ZarrCompression compression, int level, int chunkRows, int framesPerChunk,
        int shardFrames, boolean crc32c, int threads) {

    /**
     * @throws IllegalArgumentException naming the property, the value and the allowed values
     */
    static ZarrSettings of(ZarrWriterConfig config) {
        ZarrFormat format = ZarrFormat.of(config.zarr__format());
        ZarrCompression compression = ZarrCompression.fromOption(config.compression());
        int level = compression.level(config.compression__level());
        if (config.chunk__rows() < 1) {
            throw new IllegalArgumentException("chunk_rows = " + config.chunk__rows() + " must be at least 1 (e.g. 65536)");
        }
        if (config.frames__per__chunk() < 1) {
            throw new IllegalArgumentException("frames_per_chunk = " + config.frames__per__chunk() + " must be at least 1");
        }
        int shard = config.shard__frames();
        if (shard < 0 || shard % config.frames__per__chunk() != 0) {
            throw new IllegalArgumentException("shard_frames = " + shard + " must be 0 (no sharding) or a multiple of "
                    + "frames_per_chunk = " + config.frames__per__chunk() + " (e.g. " + 100 * config.frames__per__chunk() + ")");
        }
        if (format == ZarrFormat.V2 && shard > 0) {
            throw new IllegalArgumentException("shard_frames = " + shard + " needs zarr_format = 3: Zarr v2 has no sharding "
                    + "(set shard_frames = 0 or zarr_format = 3)");
        }
        if (format == ZarrFormat.V2 && config.crc32c()) {
            throw new IllegalArgumentException("crc32c = true needs zarr_format = 3: Zarr v2 has no crc32c codec "
                    + "(set crc32c = false or zarr_format = 3)");
        }
        if (config.compression__threads() < 0) {
            throw new IllegalArgumentException("compression_threads = " + config.compression__threads()
                    + " must be 0 (one per processor) or more");
        }
        int threads = config.compression__threads() == 0 ? Runtime.getRuntime().availableProcessors()
                : config.compression__threads();
        return new ZarrSettings(format, compression, level, config.chunk__rows(), config.frames__per__chunk(), shard,
                config.crc32c(), threads);
    }

    /** Chunks that may wait for or be in compression at once: enough to keep every worker busy, and a bound on memory. */
    int chunksInFlight() {
        return 2 * threads + 1;
    }

    /** A short description for the log. */
    String describe() {
        return "Zarr v" + format.version + ", " + compression.option() + (compression == ZarrCompression.NONE ? "" : " level " + level)
                + ", chunks of " + chunkRows + " rows / " + framesPerChunk + " frames"
                + (shardFrames > 0 ? ", shards of " + shardFrames + " frames" : "") + (crc32c ? ", crc32c" : "")
                + ", " + threads + " compression threads";
    }
}
