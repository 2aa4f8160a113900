package org.daqlab.writer.csv.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.KilledWriter;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;
import org.daqlab.api.storage.TestStreams;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of {@link CsvCrashRecoveryTest}: writes power (text with quotes and line breaks)
 * and ADC batches through the real CSV writer into {@code args[0]}, flushing every {@code args[1]}
 * rounds, until it is killed ({@link KilledWriter#writeUntilKilled}). It never closes the segment.
 */
final class CrashingWriterMain {

    static final List<StreamDescriptor> STREAMS = List.of(TestStreams.POWER, TestStreams.adc(8));
    /** Rows per batch of each stream. */
    static final int[] ROWS = {70, 1300};
    static final RunStart RUN = new RunStart("run-crash", TestStreams.T0, "crash", Map.of());

    private CrashingWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        try (BufferAllocator allocator = new RootAllocator()) {
            RunWriter run = TestConfigs.csvStorageWriter(Map.of()).open(new TestRunContext(Path.of(args[0]), RUN, 1, allocator));
            KilledWriter.writeUntilKilled(run, STREAMS, ROWS,
                    (stream, first, rows) -> TestStreams.batch(stream, allocator, first, rows), Integer.parseInt(args[1]));
        }
    }
}
