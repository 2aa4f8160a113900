package org.daqlab.writer.tiff.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.KilledWriter;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of {@link CrashRecoveryTest}: writes two cameras through the real TIFF writer into
 * {@code args[0]} ({@code args[1]} compression, {@code args[2]} bigtiff, {@code args[4]} the classic
 * limit in bytes), flushing every {@code args[3]} rounds, until it is killed
 * ({@link KilledWriter#writeUntilKilled}). It never closes the segment.
 */
final class CrashingWriterMain {

    static final StreamDescriptor CAMERA = TestFrames.uint16("camera0", 48, 64);
    static final StreamDescriptor SMALL = TestFrames.camera("camera1", new ArrowType.Int(8, false), 20, 30, Map.of("fps", 10.0));
    static final List<StreamDescriptor> STREAMS = List.of(CAMERA, SMALL);
    /** Frames per batch of each stream. */
    static final int[] ROWS = {3, 7};

    private CrashingWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        TiffStorageWriter writer = TestConfigs.writer(Map.of("compression", args[1], "bigtiff", args[2],
                "compression__threads", 2), Long.parseLong(args[4]));
        try (BufferAllocator allocator = new RootAllocator()) {
            RunWriter run = writer.open(new TestRunContext(Path.of(args[0]), TestFrames.RUN, 1, allocator, "tiff"));
            KilledWriter.writeUntilKilled(run, STREAMS, ROWS,
                    (stream, first, rows) -> TestFrames.batch(stream, allocator, first, rows), Integer.parseInt(args[3]));
        }
    }
}
