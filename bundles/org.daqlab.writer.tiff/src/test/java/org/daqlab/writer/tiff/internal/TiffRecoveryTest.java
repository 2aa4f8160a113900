package org.daqlab.writer.tiff.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recovery of leftovers in the states a crash can leave them in, made by hand from a file the writer
 * wrote: the count of the ImageJ description behind the pages (killed between flushes), part of a
 * page after the last link (killed while writing one), a link to a page that never reached the disk
 * (a power failure), nothing but the header, a mark whose file was renamed; and files a live writer
 * holds, which recovery leaves alone.
 */
class TiffRecoveryTest {

    private static final StreamDescriptor CAMERA = TestFrames.uint16("camera0", 48, 64);
    private static final int FRAMES = 12;

    @TempDir
    Path dir;
    private final BufferAllocator allocator = new RootAllocator();

    @AfterEach
    void close() {
        allocator.close();
    }

    /** A complete file of {@link #FRAMES} frames, marked unfinished again as a crashed one would be. */
    private Path crashedFile(String bigtiff) throws Exception {
        TiffStorageWriter writer = TestConfigs.writer(Map.of("bigtiff", bigtiff));
        TestRunContext context = new TestRunContext(dir, TestFrames.RUN, 1, allocator, "tiff");
        RunWriter run = writer.open(context);
        run.describe(CAMERA);
        try (VectorSchemaRoot batch = TestFrames.batch(CAMERA, allocator, 0, FRAMES)) {
            run.write("camera0", batch);
        }
        run.close(null);
        writer.deactivate();
        // as another process would have left it: not one of this JVM's files, which recovery leaves alone
        Path part = Files.move(context.path("camera0", "tif"), dir.resolve("crashed_camera0_s1.tif.part"));
        Files.createFile(LockFile.of(part));
        return part;
    }

    private static Path recovered(Path part) {
        return part.resolveSibling("crashed_camera0_s1.tif");
    }

    @ParameterizedTest(name = "bigtiff {0}")
    @ValueSource(strings = {"never", "always"})
    void aStaleImageJCountIsSetToThePagesAndAPartialPageIsCutOff(String bigtiff) throws Exception {
        Path part = crashedFile(bigtiff);
        long complete = Files.size(part);
        setDescriptionCount(part, 5);
        byte[] partialPage = new byte[5000];
        new Random(1).nextBytes(partialPage);
        Files.write(part, partialPage, StandardOpenOption.APPEND);

        String report = TiffRecovery.recover(part);

        assertTrue(report.contains("crashed_camera0_s1.tif") && report.contains("stream 'camera0'") && report.contains(FRAMES + " ")
                && report.contains("5000 bytes after the last whole page were cut off"), report);
        assertEquals(complete, Files.size(recovered(part)));
        JsonNode file = Tifffile.read(recovered(part));
        assertEquals(FRAMES, Tifffile.assertFrames(file, CAMERA, "uint16", 0));
        assertEquals(FRAMES, file.get("imagej").get("images").asInt());
        assertEquals(FRAMES, file.get("imagej").get("frames").asInt());
        assertEquals(0.01, file.get("imagej").get("finterval").asDouble(), "the rest of the description is kept");
        assertFalse(Files.exists(LockFile.of(part)));
    }

    @ParameterizedTest(name = "bigtiff {0}")
    @ValueSource(strings = {"never", "always"})
    void aLinkToAPageThatNeverReachedTheDiskEndsTheChainBeforeIt(String bigtiff) throws Exception {
        Path part = crashedFile(bigtiff);
        long lastPage;
        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            List<TiffStructure.Directory> pages = chain(channel);
            TiffStructure.Directory last = pages.get(pages.size() - 1);
            lastPage = TiffStructure.integers(channel, last, last.entry(Tag.STRIP_OFFSETS))[0];
            // what a power failure can leave: the link made it to the disk, the page's block did not
            channel.write(ByteBuffer.allocate((int) (channel.size() - lastPage)), lastPage);
        }

        String report = TiffRecovery.recover(part);

        assertTrue(report.contains((FRAMES - 1) + " ") && report.contains("the chain was ended before page " + FRAMES), report);
        JsonNode file = Tifffile.read(recovered(part));
        assertEquals(FRAMES - 1, Tifffile.assertFrames(file, CAMERA, "uint16", 0));
        assertEquals(FRAMES - 1, file.get("imagej").get("images").asInt());
        assertEquals(lastPage, Files.size(recovered(part)), "the zeros where the last page was are cut off");
    }

    @Test
    void theFirstFileAWriterOpensInADirectoryStartsTheRecoveryOfItsLeftoversInTheBackground() throws Exception {
        Path part = crashedFile("never");
        setDescriptionCount(part, 3);

        TiffStorageWriter writer = TestConfigs.writer(Map.of());
        TestRunContext context = new TestRunContext(dir, TestFrames.RUN, 2, allocator, "tiff");
        RunWriter run = writer.open(context);
        run.describe(CAMERA);
        try (VectorSchemaRoot batch = TestFrames.batch(CAMERA, allocator, 0, 1)) {
            run.write("camera0", batch);
        }
        run.close(null);
        writer.deactivate(); // waits for the background recovery

        assertFalse(Files.exists(part));
        List<String> reports = context.notices.stream().filter(n -> n.startsWith("recovered crashed_camera0_s1.tif")).toList();
        assertEquals(1, reports.size(), context.notices.toString());
        JsonNode file = Tifffile.read(recovered(part));
        assertEquals(FRAMES, Tifffile.assertFrames(file, CAMERA, "uint16", 0));
        assertEquals(FRAMES, file.get("imagej").get("images").asInt());
        assertEquals(1, Tifffile.assertFrames(Tifffile.read(context.path("camera0", "tif")), CAMERA, "uint16", 0),
                "the new segment's own file is not touched");
    }

    @Test
    void aFileWithoutAWholePageKeepsItsNameAndMark() throws Exception {
        Path part = dir.resolve("camera0_s1.tif.part");
        Files.write(part, new byte[] {'I', 'I', 42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        Files.createFile(LockFile.of(part));

        IOException e = assertThrows(IOException.class, () -> TiffRecovery.recover(part));

        assertTrue(e.getMessage().contains("holds no whole page"), e.getMessage());
        assertTrue(Files.exists(part) && Files.exists(LockFile.of(part)), "nothing is deleted");
    }

    @Test
    void aMarkWhoseFileWasRenamedIsRemoved() throws Exception {
        Path part = dir.resolve("camera0_s1.tif.part");
        Files.createFile(LockFile.of(part));
        assertNull(TiffRecovery.recover(part));
        assertFalse(Files.exists(LockFile.of(part)));
    }

    @Test
    void filesALiveWriterHoldsAreLeftAlone() throws Exception {
        TiffStorageWriter writer = TestConfigs.writer(Map.of());
        TestRunContext context = new TestRunContext(dir, TestFrames.RUN, 1, allocator, "tiff");
        RunWriter run = writer.open(context);
        run.describe(CAMERA);
        try (VectorSchemaRoot batch = TestFrames.batch(CAMERA, allocator, 0, 2)) {
            run.write("camera0", batch);
        }
        run.flush();
        Path part = context.path("camera0", "tif");
        try {
            assertEquals(List.of(), TiffRecovery.leftovers(dir), "this JVM's own files are not leftovers");
            assertNull(TiffRecovery.recover(part), "nor recovered");
            assertTrue(Files.exists(part));
            // another process finds the lock taken (Java's locks are POSIX record locks, as lockf takes them)
            Process other = new ProcessBuilder(Tifffile.PYTHON, "-c", "import fcntl, sys\n"
                    + "f = open(sys.argv[1], 'r+')\n"
                    + "try:\n    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\nexcept OSError:\n    sys.exit(7)\n",
                    LockFile.of(part).toString()).redirectErrorStream(true).start();
            assertEquals(7, other.waitFor(), "another process cannot take the lock: "
                    + new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            // the core syncs the data file after every flush, opening and closing it, which on Linux drops the
            // process's locks on that file: the lock is on the mark, which nobody else opens
            try (FileChannel sync = FileChannel.open(part, StandardOpenOption.WRITE)) {
                sync.force(true);
            }
            Process again = new ProcessBuilder(Tifffile.PYTHON, "-c", "import fcntl, sys\n"
                    + "f = open(sys.argv[1], 'r+')\n"
                    + "try:\n    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\nexcept OSError:\n    sys.exit(7)\n",
                    LockFile.of(part).toString()).start();
            assertEquals(7, again.waitFor());
        } finally {
            run.close(null);
            writer.deactivate();
        }
    }

    private static List<TiffStructure.Directory> chain(FileChannel channel) throws IOException {
        TiffStructure.Header header = TiffStructure.header(channel);
        List<TiffStructure.Directory> pages = new ArrayList<>();
        for (long next = header.firstIfd(); next != 0; ) {
            TiffStructure.Directory directory = TiffStructure.directory(channel, next, header.big(), channel.size());
            pages.add(directory);
            next = directory.next();
        }
        return pages;
    }

    /** Rewrites the first page's description with {@code images=count}, as an early flush left it. */
    private static void setDescriptionCount(Path part, int count) throws IOException {
        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            TiffStructure.Directory first = chain(channel).get(0);
            TiffStructure.Entry description = first.entry(Tag.IMAGE_DESCRIPTION);
            byte[] value = TiffStructure.value(channel, first, description);
            byte[] stale = ImageJDescription.withPages(value, count);
            assertTrue(new String(stale, StandardCharsets.US_ASCII).contains("images=" + count + "\n"));
            channel.write(ByteBuffer.wrap(stale), description.offset());
        }
    }
}
