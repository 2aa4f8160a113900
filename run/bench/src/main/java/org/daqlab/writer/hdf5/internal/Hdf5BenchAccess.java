package org.daqlab.writer.hdf5.internal;

import org.daqlab.api.storage.RunContext;
import org.daqlab.api.storage.RunWriter;

import java.io.IOException;
import java.util.concurrent.ExecutorService;

/**
 * Opens the HDF5 writer's {@link Hdf5RunWriter} for the benchmarks, which run on a plain class path
 * and not in OSGi: this class lives in the writer's private package (a split package, fine for a
 * benchmark jar) so that the writer's classes stay package-private. It builds the same
 * {@link Hdf5Settings} that {@link Hdf5StorageWriter} builds from its configuration, without the
 * Declarative Services configuration object and without the journal recovery that
 * {@link Hdf5StorageWriter#open} runs once per directory.
 */
public final class Hdf5BenchAccess {

    private Hdf5BenchAccess() {
    }

    /**
     * Opens one segment's writer.
     *
     * @param compression    {@code none}, {@code deflate} or {@code lz4}, as the {@code compression} property
     * @param level          deflate level
     * @param shuffle        byte shuffle before compression
     * @param chunkRows      rows per chunk of 1-D datasets
     * @param framesPerChunk rows per chunk of frame datasets
     * @param workers        the compression pool; {@code threads} must be its size (it bounds the chunks in flight)
     * @param threads        the pool's size
     */
    public static RunWriter open(RunContext context, String compression, int level, boolean shuffle, int chunkRows,
            int framesPerChunk, ExecutorService workers, int threads) throws IOException {
        ChunkCodec codec = new ChunkCodec(Compression.fromOption(compression), level, shuffle);
        Hdf5Settings settings = new Hdf5Settings(codec, chunkRows, framesPerChunk, threads,
                Hdf5Settings.DEFAULT_RESERVED_BYTES);
        return new Hdf5RunWriter(context, settings, workers, "daqlab bench");
    }
}
