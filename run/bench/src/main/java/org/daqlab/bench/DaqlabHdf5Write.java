package org.daqlab.bench;

import org.apache.arrow.memory.BufferAllocator;
import org.daqlab.writer.hdf5.internal.Hdf5BenchAccess;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;

/**
 * daqlab's HDF5 writer as the core drives it: open a segment, describe the stream, write every
 * batch, close (which waits for the compression workers and builds the file), then an fsync of the
 * file, which the core's rename would otherwise leave to the kernel. Phases reported: the writes
 * (chunks are copied out of Arrow and compressed on the pool meanwhile), the close, the fsync.
 */
final class DaqlabHdf5Write implements Contender {

    private final String label;
    private final String compression;
    private final int level;
    private final boolean shuffle;
    private final Chunking chunking;
    private final ExecutorService workers;
    private final int threads;
    private final BufferAllocator allocator;

    /**
     * @param workers the compression pool, shared by every write as a writer instance shares it
     *                between its segments; {@code threads} is its size
     */
    DaqlabHdf5Write(String label, String compression, int level, boolean shuffle, Chunking chunking,
            ExecutorService workers, int threads, BufferAllocator allocator) {
        this.label = label;
        this.compression = compression;
        this.level = level;
        this.shuffle = shuffle;
        this.chunking = chunking;
        this.workers = workers;
        this.threads = threads;
        this.allocator = allocator;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public Written write(Workload workload, Path file) throws Exception {
        return TimedSegment.write(workload, file, allocator, context -> Hdf5BenchAccess.open(context, compression, level, shuffle,
                chunking.chunkRows(), chunking.framesPerChunk(), workers, threads));
    }
}
