package org.daqlab.bench;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.writer.parquet.internal.ParquetBenchAccess;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * daqlab's Parquet writer as the core drives it: open a segment, describe the stream, write every
 * batch, close (the last part, the file's footer, an fsync), then an fsync of the file as the core
 * does before its rename. Phases reported: the writes (encoding, compression and the row groups that
 * fill meanwhile), the close, the fsync. The writer uses the calling thread only.
 */
final class DaqlabParquetWrite implements Contender {

    private final String label;
    private final String compression;
    private final BufferAllocator allocator;

    DaqlabParquetWrite(String label, String compression, BufferAllocator allocator) {
        this.label = label;
        this.compression = compression;
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
        // the writer's defaults: level 3 for zstd, row groups of 64 MiB, pages of 1 MiB, no byte-stream split
        RunWriter writer = ParquetBenchAccess.open(new BenchRunContext(file, allocator), compression, 0, 64, 1024, false);
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
                String.format("write %.2f s, close %.2f s, fsync %.2f s",
                        (written - start) / 1e9, (closed - written) / 1e9, (synced - closed) / 1e9));
    }
}
