package org.daqlab.bench;

import org.apache.arrow.memory.BufferAllocator;
import org.daqlab.writer.zarr.internal.ZarrBenchAccess;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;

/**
 * daqlab's Zarr writer as the core drives it: open a segment (the store), describe the stream, write
 * every batch (full chunks are compressed and written by the worker pool meanwhile), close (the last
 * chunks, every file and directory forced, the metadata written and forced). The store is durable
 * when close returns, so no fsync follows. Phases reported: the writes, the close.
 */
final class DaqlabZarrWrite implements Contender {

    private final String label;
    private final int format;
    private final String compression;
    private final int level;
    private final Chunking chunking;
    private final int shardFrames;
    private final ExecutorService workers;
    private final int threads;
    private final BufferAllocator allocator;

    /**
     * @param shardFrames frames per shard file (Zarr v3), 0 for a file per chunk
     * @param workers     the compression pool, shared by every write as a writer instance shares it
     *                    between its segments; {@code threads} is its size
     */
    DaqlabZarrWrite(String label, int format, String compression, int level, Chunking chunking, int shardFrames,
            ExecutorService workers, int threads, BufferAllocator allocator) {
        this.label = label;
        this.format = format;
        this.compression = compression;
        this.level = level;
        this.chunking = chunking;
        this.shardFrames = shardFrames;
        this.workers = workers;
        this.threads = threads;
        this.allocator = allocator;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public Written write(Workload workload, Path store) throws Exception {
        return TimedSegment.write(workload, store, allocator, context -> ZarrBenchAccess.open(context, format, compression, level,
                chunking.chunkRows(), chunking.framesPerChunk(), shardFrames, workers, threads));
    }
}
