package org.daqlab.writer.hdf5.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.daqlab.api.storage.KilledWriter;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of {@link CrashRecoveryTest}: writes power and ADC batches through the real HDF5
 * writer into {@code args[0]}, flushing every {@code args[1]} rounds, until it is killed
 * ({@link KilledWriter#writeUntilKilled}). It never closes the segment.
 */
final class CrashingWriterMain {

    /** Deflate with shuffle (the defaults) in small chunks, so that a kill lands among many chunks and tails. */
    static final Map<String, Object> CONFIG = Map.of("chunk__rows", 1000, "frames__per__chunk", 1, "compression__threads", 2);

    private CrashingWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        Hdf5StorageWriter writer = TestConfigs.hdf5StorageWriter(CONFIG);
        try (BufferAllocator allocator = new RootAllocator()) {
            RunWriter run = writer.open(new TestRunContext(Path.of(args[0]), Hdf5RunWriterTest.RUN, 1, allocator));
            KilledWriter.writeUntilKilled(run, List.of(TestBatches.POWER, TestBatches.ADC), new int[] {700, 1300},
                    (stream, first, rows) -> stream == TestBatches.POWER
                            ? TestBatches.power(allocator, first, rows) : TestBatches.adc(allocator, first, rows),
                    Integer.parseInt(args[1]));
        }
    }
}
