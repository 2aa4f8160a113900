package org.daqlab.writer.tiff.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 4 GiB limit of classic TIFF, reached with little data: the writer's classic limit is lowered
 * to a few hundred KiB, so that the same code paths run as at 4 GiB. With {@code bigtiff=auto} the
 * file becomes a BigTIFF in place, every page before and after readable, the metadata updated on
 * both sides of the switch; with {@code never} the stack goes on in {@code <stream>.file2}, … and
 * each file stays below the limit. ({@link LargeFileTest} writes a real file over 4 GiB.)
 */
class BigTiffTest {

    private static final StreamDescriptor CAMERA = TestFrames.uint16("camera0", 48, 64);
    /** 6 KiB frames: the switch comes after about 50 pages. */
    private static final long LIMIT = 300 << 10;
    /** A file with bigtiff=never keeps 64 KiB free for metadata and the next page's worst case: about 150 pages here. */
    private static final long NEVER_LIMIT = 1 << 20;

    @TempDir
    Path dir;
    private final BufferAllocator allocator = new RootAllocator();

    @AfterEach
    void close() {
        allocator.close();
    }

    @ParameterizedTest(name = "compression {0}")
    @ValueSource(strings = {"none", "deflate"})
    void aClassicFileBecomesABigTiffInPlaceBeforeTheLimit(String compression) throws Exception {
        int frames = compression.equals("none") ? 120 : 3000; // deflate makes these frames ~20 times smaller
        TestRunContext context = segment(Map.of("compression", compression), run -> {
            run.describe(CAMERA);
            for (int first = 0; first < frames; first += 10) {
                write(run, first, 10);
                if (first % 200 == 0) {
                    run.metadata(new MetadataUpdate(null, "step", (long) first, TestFrames.T0 + first));
                    run.flush();
                }
            }
        });

        Path file = context.path("camera0", "tif");
        JsonNode read = Tifffile.read(file);
        assertEquals(frames, Tifffile.assertFrames(read, CAMERA, "uint16", 0));
        assertTrue(read.get("bigtiff").asBoolean(), "a BigTIFF file now");
        assertEquals(frames, read.get("imagej").get("images").asInt());
        assertEquals(frames, read.get("series").get("shape").get(0).asInt());
        assertEquals((frames - 10) / 200 * 200, read.get("metadata").get("run").get("metadata").get("step").asInt(),
                "the metadata written last");
        assertEquals("SUCCESS", read.get("metadata").get("run_stop").get("exit_status").asText());
        List<String> notices = context.notices.stream().filter(n -> n.contains("became a BigTIFF")).toList();
        assertEquals(1, notices.size(), context.notices.toString());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            TiffStructure.Header header = TiffStructure.header(channel);
            assertTrue(header.big());
            // the BigTIFF directories of the pages before the switch come right after the classic ones
            assertTrue(header.firstIfd() > 100_000 && header.firstIfd() < LIMIT + 10_000, "first IFD at " + header.firstIfd());
        }
    }

    @Test
    void withBigtiffNeverTheStackGoesOnInNewClassicFiles() throws Exception {
        TestRunContext context = segment(Map.of("bigtiff", "never"), run -> {
            run.describe(CAMERA);
            for (int first = 0; first < 400; first += 10) {
                write(run, first, 10);
            }
        });

        List<Path> files = context.files.values().stream().map(f -> f.path()).toList();
        assertTrue(files.size() >= 3, "new files as the limit is reached: " + context.files.keySet());
        for (int i = 1; i < files.size(); i++) {
            assertEquals(context.path("camera0.file" + (i + 1), "tif"), files.get(i));
        }
        List<JsonNode> read = Tifffile.readAll(files, true);
        long first = 0;
        for (JsonNode file : read) {
            assertFalse(file.get("bigtiff").asBoolean());
            long pages = Tifffile.assertFrames(file, CAMERA, "uint16", first);
            assertEquals(pages, file.get("imagej").get("images").asLong());
            assertTrue(java.nio.file.Files.size(Path.of(file.get("path").asText())) <= NEVER_LIMIT);
            first += pages;
        }
        assertEquals(400, first, "every frame, once, in order");
        assertTrue(context.notices.stream().anyMatch(n -> n.contains("camera0_s1.tif reached the 4 GiB limit")
                && n.contains("camera0.file2_s1.tif")), context.notices.toString());
    }

    private TestRunContext segment(Map<String, Object> config, TiffInteropTest.Steps steps) throws Exception {
        TiffStorageWriter writer = TestConfigs.writer(config, config.containsKey("bigtiff") ? NEVER_LIMIT : LIMIT);
        TestRunContext context = new TestRunContext(dir, TestFrames.RUN, 1, allocator, "tiff");
        RunWriter run = writer.open(context);
        try {
            steps.run(run);
        } finally {
            run.close(TestFrames.STOP);
            writer.deactivate();
        }
        return context;
    }

    private void write(RunWriter run, long first, int count) throws Exception {
        try (VectorSchemaRoot batch = TestFrames.batch(CAMERA, allocator, first, count)) {
            run.write("camera0", batch);
        }
    }
}
