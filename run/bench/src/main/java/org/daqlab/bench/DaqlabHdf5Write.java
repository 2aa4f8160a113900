package org.daqlab.bench;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.writer.hdf5.internal.Hdf5BenchAccess;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
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
    public Written write(Workload workload, Path file) throws IOException {
        String stream = workload.descriptor().stream();
        long cpu = ProcessCpu.nanos();
        long start = System.nanoTime();
        RunWriter writer = Hdf5BenchAccess.open(new BenchRunContext(file, allocator), compression, level, shuffle,
                chunking.chunkRows(), chunking.framesPerChunk(), workers, threads);
        writer.describe(workload.descriptor());
        for (VectorSchemaRoot batch : workload.batches()) {
            writer.write(stream, batch);
        }
        long written = System.nanoTime();
        writer.close(new RunStop(BenchRunContext.RUN.uid(), BenchRunContext.RUN.timestampNs(),
                RunStop.ExitStatus.SUCCESS, "benchmark", Map.of(stream, workload.rows())));
        long closed = System.nanoTime();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        long synced = System.nanoTime();
        return new Written((synced - start) / 1e9, (ProcessCpu.nanos() - cpu) / 1e9, Files.size(file), String.format("write %.2f s, close %.2f s, fsync %.2f s",
                (written - start) / 1e9, (closed - written) / 1e9, (synced - closed) / 1e9));
    }
}
