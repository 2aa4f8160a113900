package org.daqlab.writer.tiff.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;
import org.daqlab.api.storage.Tmpfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the writer on a real file system that fills up (a 2 MiB tmpfs). The failing write names the
 * file, the stream, the cause and the fix; what the page had written is cut off at once, so the file
 * keeps every page before it. When the core then closes the failed segment, the file is completed
 * with its pages (ImageJ count, no unfinished mark) and tifffile reads every frame flushed before the
 * disk filled, as published.
 */
class DiskFullTest {

    private static final int FRAMES_PER_BATCH = 4;
    private static final int BATCHES_PER_FLUSH = 3;
    /** Far more than fits: reaching it means the disk never filled. */
    private static final int MAX_BATCHES = 100_000;

    @TempDir
    Path dir;
    private Tmpfs small;
    private final BufferAllocator allocator = new RootAllocator();
    private TiffStorageWriter writer;

    @BeforeEach
    void mountASmallFileSystem() throws Exception {
        StringBuilder why = new StringBuilder();
        small = Tmpfs.mount(dir.resolve("small"), "size=2m", why);
        assumeTrue(small != null, "no small file system to fill: " + why);
    }

    @AfterEach
    void unmount() throws Exception {
        try {
            if (writer != null) {
                writer.deactivate();
            }
            allocator.close();
        } finally {
            if (small != null) {
                small.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1}x{2} frames")
    @CsvSource({"none, 48, 64", "deflate, 240, 320"})
    void failureNamesTheFileAndCloseLeavesAValidStackWithEveryFlushedFrame(String compression, int height, int width)
            throws Exception {
        StreamDescriptor camera = TestFrames.uint16("camera0", height, width);
        writer = TestConfigs.writer(Map.of("compression", compression, "compression__threads", 2));
        TestRunContext context = new TestRunContext(small.directory, TestFrames.RUN, 1, allocator, "tiff");
        RunWriter run = writer.open(context);
        run.describe(camera);
        long flushed = 0;
        IOException failure = null;
        for (int batch = 0; batch < MAX_BATCHES && failure == null; batch++) {
            try (VectorSchemaRoot root = TestFrames.batch(camera, allocator, (long) batch * FRAMES_PER_BATCH, FRAMES_PER_BATCH)) {
                run.write("camera0", root);
                if ((batch + 1) % BATCHES_PER_FLUSH == 0) {
                    run.flush();
                    flushed = (long) (batch + 1) * FRAMES_PER_BATCH;
                }
            } catch (IOException e) {
                failure = e;
            }
        }
        assertTrue(failure != null && flushed > 0, "premise: frames were flushed, then the 2 MiB file system filled up");
        Path part = context.path("camera0", "tif");
        assertTrue(failure.getMessage().contains(part.toString()) && failure.getMessage().contains("'camera0'")
                && failure.getMessage().contains("No space left on device") && failure.getMessage().contains("Fix:"),
                "names the file, the stream, the cause and the fix: " + failure.getMessage());

        run.close(null); // what the core does with a failed writer; it then renames the file

        assertFalse(Files.exists(LockFile.of(part)), "complete: no unfinished mark");
        JsonNode file = Tifffile.read(part);
        long pages = Tifffile.assertFrames(file, camera, "uint16", 0);
        assertTrue(pages >= flushed, pages + " pages, flushed " + flushed);
        assertEquals(pages, file.get("imagej").get("images").asLong());
        assertEquals(pages, context.file("camera0", "tif").rows());
    }
}
