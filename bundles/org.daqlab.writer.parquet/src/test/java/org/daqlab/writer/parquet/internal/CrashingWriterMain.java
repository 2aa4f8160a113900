package org.daqlab.writer.parquet.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.daqlab.api.storage.KilledWriter;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of {@link CrashRecoveryTest}: writes power, ADC and camera batches through the real
 * Parquet writer into {@code args[0]}, flushing every {@code args[1]} rounds, until it is killed
 * ({@link KilledWriter#writeUntilKilled}). It never closes the segment.
 */
final class CrashingWriterMain {

    /** Row groups (and so the spool) of 1 MiB: the ADC stream completes parts, the camera stays spooled, the power meter does both. */
    static final Map<String, Object> CONFIG = Map.of("row__group__mb", 1);

    private CrashingWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        try (BufferAllocator allocator = new RootAllocator()) {
            ParquetStorageWriter writer = TestConfigs.writer(CONFIG, allocator);
            RunWriter run = writer.open(new TestRunContext(Path.of(args[0]), TestBatches.RUN, 1, allocator));
            KilledWriter.writeUntilKilled(run, List.of(TestBatches.POWER, TestBatches.ADC, TestBatches.CAMERA),
                    new int[] {700, 1300, 5}, (stream, first, rows) -> {
                        if (stream == TestBatches.POWER) {
                            return TestBatches.power(allocator, first, rows);
                        }
                        return stream == TestBatches.ADC ? TestBatches.adc(allocator, first, rows)
                                : TestBatches.camera(allocator, first, rows);
                    }, Integer.parseInt(args[1]));
        }
    }
}
