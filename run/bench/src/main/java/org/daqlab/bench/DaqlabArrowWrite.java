package org.daqlab.bench;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.writer.arrow.internal.ArrowBenchAccess;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * daqlab's Arrow IPC writer as the core drives it: open a segment, describe the stream, write every
 * batch, close (end marker, footer), then an fsync of the file, which the core's rename would
 * otherwise leave to the kernel. Phases reported: the writes, the close, the fsync.
 */
final class DaqlabArrowWrite implements Contender {

    private final String label;
    private final String format;
    private final String compression;
    private final int level;
    private final BufferAllocator allocator;

    DaqlabArrowWrite(String label, String format, String compression, int level, BufferAllocator allocator) {
        this.label = label;
        this.format = format;
        this.compression = compression;
        this.level = level;
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
        RunWriter writer = ArrowBenchAccess.open(new BenchRunContext(file, allocator), format, compression, level, 0);
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
        return new Written((synced - start) / 1e9, (ProcessCpu.nanos() - cpu) / 1e9, Files.size(file),
                String.format("write %.2f s, close %.2f s, fsync %.2f s", (written - start) / 1e9,
                        (closed - written) / 1e9, (synced - closed) / 1e9));
    }
}
