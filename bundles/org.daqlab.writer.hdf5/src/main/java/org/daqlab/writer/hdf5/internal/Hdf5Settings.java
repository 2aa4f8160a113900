package org.daqlab.writer.hdf5.internal;

/**
 * The HDF5-specific settings of a writer instance, validated.
 *
 * @param codec          the chunk filters
 * @param chunkRows      rows per chunk of 1-D datasets
 * @param framesPerChunk rows per chunk of tensor (frame) datasets
 * @param threads        compression worker threads
 * @param reservedBytes  bytes kept at the start of each file for the HDF5 metadata written at close
 */
record Hdf5Settings(ChunkCodec codec, int chunkRows, int framesPerChunk, int threads, long reservedBytes) {

    /** Metadata of even a few hundred datasets with their schema attributes fits; the unused part is a sparse hole. */
    static final long DEFAULT_RESERVED_BYTES = 1 << 20;

    /**
     * @throws IllegalArgumentException naming the property, the value and the allowed range
     */
    static Hdf5Settings of(Hdf5WriterConfig config) {
        Compression compression = Compression.fromOption(config.compression());
        ChunkCodec codec = new ChunkCodec(compression, config.compression__level(), config.shuffle());
        if (config.chunk__rows() < 1) {
            throw new IllegalArgumentException("chunk_rows = " + config.chunk__rows() + " must be at least 1 (e.g. 16384)");
        }
        if (config.frames__per__chunk() < 1) {
            throw new IllegalArgumentException("frames_per_chunk = " + config.frames__per__chunk() + " must be at least 1");
        }
        if (config.compression__threads() < 0) {
            throw new IllegalArgumentException("compression_threads = " + config.compression__threads()
                    + " must be 0 (one per processor) or more");
        }
        int threads = config.compression__threads() == 0 ? Runtime.getRuntime().availableProcessors()
                : config.compression__threads();
        return new Hdf5Settings(codec, config.chunk__rows(), config.frames__per__chunk(), threads, DEFAULT_RESERVED_BYTES);
    }

    /** Chunks that may wait for or be in compression at once: enough to keep every worker busy. */
    int chunksInFlight() {
        return 2 * threads + 1;
    }
}
