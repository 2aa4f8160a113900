package org.daqlab.bench;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.storage.RunWriter;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * One segment of a daqlab writer, timed as the core drives it: open, describe the stream, write
 * every batch, close, then for a file an fsync, which the core's commit does before its rename (a
 * directory store forces its own files at close). Phases reported: the writes, the close, the fsync.
 */
final class TimedSegment {

    private TimedSegment() {
    }

    /** Opens the writer's segment on the benchmark's stand-in core. */
    @FunctionalInterface
    interface Opener {
        RunWriter open(BenchRunContext context) throws Exception;
    }

    static Contender.Written write(Workload workload, Path output, BufferAllocator allocator, Opener opener) throws Exception {
        String stream = workload.descriptor().stream();
        long cpu = ProcessCpu.nanos();
        long start = System.nanoTime();
        RunWriter writer = opener.open(new BenchRunContext(output, allocator));
        writer.describe(workload.descriptor());
        for (VectorSchemaRoot batch : workload.batches()) {
            writer.write(stream, batch);
        }
        long written = System.nanoTime();
        writer.close(new RunStop(BenchRunContext.RUN.uid(), BenchRunContext.RUN.timestampNs(),
                RunStop.ExitStatus.SUCCESS, "benchmark", Map.of(stream, workload.rows())));
        long closed = System.nanoTime();
        if (Files.isRegularFile(output)) {
            try (FileChannel channel = FileChannel.open(output, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        }
        long synced = System.nanoTime();
        return new Contender.Written((synced - start) / 1e9, (ProcessCpu.nanos() - cpu) / 1e9, WriteRounds.size(output),
                String.format("write %.2f s, close %.2f s, fsync %.2f s", (written - start) / 1e9,
                        (closed - written) / 1e9, (synced - closed) / 1e9));
    }
}
