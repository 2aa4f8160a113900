package org.daqlab.writer.zarr.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.KilledWriter;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;
import org.daqlab.api.storage.TestStreams;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of {@link CrashRecoveryTest}: writes power, ADC and camera batches through the real
 * Zarr writer into {@code args[0]} ({@code args[1]} zarr_format, {@code args[2]} compression,
 * {@code args[3]} shard_frames, {@code args[4]} crc32c), flushing every {@code args[5]} rounds,
 * until it is killed ({@link KilledWriter#writeUntilKilled}). It never closes the segment.
 */
final class CrashingWriterMain {

    static final List<StreamDescriptor> STREAMS = List.of(TestStreams.POWER, TestStreams.adc(8), TestStreams.CAMERA);
    /** Rows per batch of each stream: chunks of 500 rows and 2 frames end mid-batch, so flushes write unfinished chunks. */
    static final int[] ROWS = {700, 1300, 3};

    private CrashingWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        ZarrStorageWriter writer = TestConfigs.writer(Map.of("zarr__format", Integer.parseInt(args[1]),
                "compression", args[2], "shard__frames", Integer.parseInt(args[3]), "crc32c", Boolean.parseBoolean(args[4]),
                "chunk__rows", 500, "frames__per__chunk", 2));
        try (BufferAllocator allocator = new RootAllocator()) {
            RunWriter run = writer.open(new TestRunContext(Path.of(args[0]), ZarrWriterInteropTest.RUN, 1, allocator));
            KilledWriter.writeUntilKilled(run, STREAMS, ROWS,
                    (stream, first, rows) -> TestStreams.batch(stream, allocator, first, rows), Integer.parseInt(args[5]));
        }
    }
}
