package org.daqlab.writer.tiff.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A camera whose frame size or pixel type changes during a segment (a region of interest set, the
 * bit depth switched) goes on in a new file {@code <stream>.schema2}, … : every frame is in the file
 * of its shape, once, in order, and the writer says once per change which shapes and which files.
 */
class FrameShapeChangeTest {

    private static final StreamDescriptor FULL = TestFrames.uint16("camera0", 48, 64);
    private static final StreamDescriptor ROI = TestFrames.uint16("camera0", 16, 24);
    private static final StreamDescriptor EIGHT_BIT = TestFrames.camera("camera0", new ArrowType.Int(8, false), 16, 24,
            Map.of());

    @TempDir
    Path dir;
    private final BufferAllocator allocator = new RootAllocator();

    @AfterEach
    void close() {
        allocator.close();
    }

    @Test
    void aNewShapeOrPixelTypeGoesOnInANewFileWithANoticeNamingBoth() throws Exception {
        TiffStorageWriter writer = TestConfigs.writer(Map.of("compression", "deflate"));
        TestRunContext context = new TestRunContext(dir, TestFrames.RUN, 1, allocator, "tiff");
        RunWriter run = writer.open(context);
        run.describe(FULL);
        write(run, FULL, 0, 5);
        run.describe(ROI); // described again with the new shape
        write(run, ROI, 5, 4);
        assertTrue(Files.exists(LockFile.of(context.path("camera0", "tif"))),
                "the ended file keeps its unfinished mark until the segment closes: a crash now leaves it to recovery");
        write(run, EIGHT_BIT, 9, 3); // a batch with another pixel type, without a describe
        run.close(TestFrames.STOP);
        writer.deactivate();

        List<JsonNode> files = Tifffile.readAll(List.of(context.path("camera0", "tif"), context.path("camera0.schema2", "tif"),
                context.path("camera0.schema3", "tif")), true);
        assertEquals(5, Tifffile.assertFrames(files.get(0), FULL, "uint16", 0));
        assertEquals(4, Tifffile.assertFrames(files.get(1), ROI, "uint16", 5));
        assertEquals(3, Tifffile.assertFrames(files.get(2), EIGHT_BIT, "uint8", 9));
        assertEquals(4, files.get(1).get("imagej").get("frames").asInt());
        assertEquals(3, context.files.size(), context.files.keySet().toString());
        for (String name : List.of("camera0", "camera0.schema2", "camera0.schema3")) {
            assertFalse(Files.exists(LockFile.of(context.path(name, "tif"))), name + ": complete, no mark");
        }

        List<String> changes = context.notices.stream().filter(n -> n.contains("changed from")).toList();
        assertEquals(2, changes.size(), context.notices.toString());
        assertTrue(changes.get(0).contains("uint16 [48, 64]") && changes.get(0).contains("uint16 [16, 24]")
                && changes.get(0).contains("camera0_s1.tif holds the 5 frames before")
                && changes.get(0).contains("go to camera0.schema2_s1.tif"), changes.get(0));
        assertTrue(changes.get(1).contains("to uint8 [16, 24]") && changes.get(1).contains("camera0.schema3_s1.tif"),
                changes.get(1));
    }

    @Test
    void describingAgainWithTheSameFramesKeepsTheFile() throws Exception {
        StreamDescriptor otherMetadata = TestFrames.camera("camera0", new ArrowType.Int(16, false), 48, 64,
                Map.of("gain", 4L));
        TiffStorageWriter writer = TestConfigs.writer(Map.of());
        TestRunContext context = new TestRunContext(dir, TestFrames.RUN, 1, allocator, "tiff");
        RunWriter run = writer.open(context);
        run.describe(FULL);
        write(run, FULL, 0, 2);
        run.describe(otherMetadata);
        write(run, FULL, 2, 2);
        run.close(TestFrames.STOP);
        writer.deactivate();

        assertEquals(List.of("camera0_s1.tif"), List.copyOf(context.files.keySet()));
        JsonNode file = Tifffile.read(context.path("camera0", "tif"));
        assertEquals(4, Tifffile.assertFrames(file, FULL, "uint16", 0));
        assertEquals(4, file.get("metadata").get("instrument").get("metadata").get("gain").asInt(),
                "the instrument metadata as last described");
    }

    private void write(RunWriter run, StreamDescriptor stream, long first, int count) throws Exception {
        try (VectorSchemaRoot batch = TestFrames.batch(stream, allocator, first, count)) {
            run.write(stream.stream(), batch);
        }
    }
}
