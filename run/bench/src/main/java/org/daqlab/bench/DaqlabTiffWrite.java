package org.daqlab.bench;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.writer.tiff.internal.TiffBenchAccess;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * daqlab's TIFF writer as the core drives it: open a segment, describe the stream, write every
 * batch, close (pages still being compressed, the final ImageJ count and metadata), then an fsync of
 * the file, which the core's rename would otherwise leave to the kernel. The compression workers
 * belong to the contender, as they belong to a writer instance, and outlive its segments. Phases
 * reported: the writes, the close, the fsync.
 */
final class DaqlabTiffWrite implements Contender, AutoCloseable {

    private final String label;
    private final TiffBenchAccess writer;
    private final BufferAllocator allocator;

    DaqlabTiffWrite(String label, String compression, int level, boolean predictor, int threads, BufferAllocator allocator) {
        this.label = label;
        this.writer = new TiffBenchAccess(compression, level, predictor, threads);
        this.allocator = allocator;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public Written write(Workload workload, Path file) throws Exception {
        String stream = workload.descriptor().stream();
        long cpu = ProcessCpu.nanos();
        long start = System.nanoTime();
        RunWriter run = writer.open(new BenchRunContext(file, allocator));
        run.describe(workload.descriptor());
        for (VectorSchemaRoot batch : workload.batches()) {
            run.write(stream, batch);
        }
        long written = System.nanoTime();
        run.close(new RunStop(BenchRunContext.RUN.uid(), BenchRunContext.RUN.timestampNs(),
                RunStop.ExitStatus.SUCCESS, "benchmark", Map.of(stream, workload.rows())));
        long closed = System.nanoTime();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        long synced = System.nanoTime();
        // the unfinished mark beside the file went at close; only the TIFF file remains
        return new Written((synced - start) / 1e9, (ProcessCpu.nanos() - cpu) / 1e9, Files.size(file),
                String.format("write %.2f s, close %.2f s, fsync %.2f s", (written - start) / 1e9,
                        (closed - written) / 1e9, (synced - closed) / 1e9));
    }

    @Override
    public void close() throws InterruptedException {
        writer.close();
    }
}
