package org.daqlab.writer.zarr.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;
import org.daqlab.api.storage.TestStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recovery of stores that crashed segments left: started in the background when a writer first
 * opens a segment in their directory, it leaves stores alone that a live writer holds (in this JVM
 * or another process), removes the temporary files of unfinished replacements, cuts the arrays of a
 * group that a crash during a flush left at different lengths, and renames the store; a directory
 * that is no store is reported and kept.
 */
class StoreRecoveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StreamDescriptor ADC = TestStreams.adc(3);

    @TempDir
    Path dir;
    private final BufferAllocator allocator = new RootAllocator();
    private ZarrStorageWriter writer;

    @AfterEach
    void close() throws Exception {
        if (writer != null) {
            writer.deactivate();
        }
        allocator.close();
    }

    /** Opens a store of a v2 writer with chunks of 300 rows in {@code directory}, with the ADC stream described. */
    private RunWriter open(Path directory) throws Exception {
        writer = writer == null ? TestConfigs.writer(Map.of("zarr__format", 2, "chunk__rows", 300)) : writer;
        RunWriter run = writer.open(new TestRunContext(directory, ZarrWriterInteropTest.RUN, 1, allocator));
        run.describe(ADC);
        return run;
    }

    /** Writes the ADC's 1,000 rows from {@code first} and flushes. */
    private void writeAndFlush(RunWriter run, long first) throws Exception {
        try (VectorSchemaRoot batch = TestStreams.batch(ADC, allocator, first, 1000)) {
            run.write(ADC.stream(), batch);
        }
        run.flush();
    }

    private static Path store(Path directory) {
        return directory.resolve("run_s1.zarr.part");
    }

    /** A copy of a live store of this JVM under a new name: to this JVM, a leftover of another one. */
    private Path leftoverCopy(Path store, String name) throws Exception {
        Path copy = store.resolveSibling(name);
        try (Stream<Path> files = Files.walk(store)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(store.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return copy;
    }

    @Test
    void aWriterOpeningItsFirstSegmentInADirectoryRecoversTheLeftoversThereInTheBackground() throws Exception {
        RunWriter run = open(dir);
        writeAndFlush(run, 0);
        writeAndFlush(run, 1000);
        Path leftover = leftoverCopy(store(dir), "crashed_s1.zarr.part");
        Files.writeString(leftover.resolve("adc0").resolve("ch1").resolve(".0.0.tmp"), "half a replacement");

        // the next start: a new writer instance opens its first segment in the directory
        writer.deactivate();
        writer = TestConfigs.writer(Map.of("zarr__format", 2));
        TestRunContext context = new TestRunContext(dir, ZarrWriterInteropTest.RUN, 2, allocator);
        writer.open(context);
        writer.deactivate(); // waits for the recovery in the background
        writer = null;

        assertEquals(List.of("recovered the Zarr store crashed_s1.zarr of a segment that did not close, with every row "
                + "of its last flush: 'adc0' 2000 rows; 1 temporary files of unfinished writes were removed"), context.notices);
        assertTrue(Files.isDirectory(store(dir)), "the live store of this JVM is left alone");
        Path recovered = dir.resolve("crashed_s1.zarr");
        ZarrReaders.Read read = ZarrReaders.read(ZarrFormat.V2, recovered, dir);
        ZarrReaders.assertStream(read, "adc0", ADC, 0, 2000, List.of());
        assertTrue(read.store().get("attributes").get("recovered").has("time"));
        assertEquals(List.of(), ZarrWriterInteropTest.leftoverTemporaryFiles(recovered));
        assertFalse(Files.exists(recovered.resolve(Store.LOCK)));
    }

    @Test
    void aStoreLockedByAnotherProcessIsLeftAloneUntilItsWriterIsGone() throws Exception {
        writeAndFlush(open(dir), 0);
        Path leftover = leftoverCopy(store(dir), "other_s1.zarr.part");
        // POSIX record locks, as Java's FileLock takes them
        Process other = new ProcessBuilder("/usr/bin/python3", "-c", "import fcntl, sys\n"
                + "f = open(sys.argv[1], 'a')\nfcntl.lockf(f, fcntl.LOCK_EX)\nprint('locked', flush=True)\nsys.stdin.read()",
                leftover.resolve(Store.LOCK).toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine());

            assertNull(StoreRecovery.recover(leftover, JSON), "a live writer of another process holds it");
            assertTrue(Files.isDirectory(leftover));
        } finally {
            other.getOutputStream().close();
            assertTrue(other.waitFor(60, TimeUnit.SECONDS));
        }
        String report = StoreRecovery.recover(leftover, JSON);
        assertTrue(report.startsWith("recovered the Zarr store other_s1.zarr"), report);
    }

    @Test
    void arraysThatACrashDuringAFlushLeftAtDifferentLengthsAreCutToTheShortest() throws Exception {
        RunWriter run = open(dir);
        writeAndFlush(run, 0);
        Path ch2 = store(dir).resolve("adc0").resolve("ch2").resolve(".zarray");
        byte[] afterFirstFlush = Files.readAllBytes(ch2);
        writeAndFlush(run, 1000);
        Path leftover = leftoverCopy(store(dir), "cut_s1.zarr.part");
        // the second flush's update of ch2 never happened
        Files.write(leftover.resolve("adc0").resolve("ch2").resolve(".zarray"), afterFirstFlush);

        String report = StoreRecovery.recover(leftover, JSON);

        assertTrue(report.contains("'adc0' 1000 rows; 3 arrays were cut to the length of their group"), report);
        ZarrReaders.Read read = ZarrReaders.read(ZarrFormat.V2, dir.resolve("cut_s1.zarr"), dir);
        ZarrReaders.assertStream(read, "adc0", ADC, 0, 1000, List.of());
    }

    @Test
    void aDirectoryThatIsNoStoreIsReportedAndKept() throws Exception {
        Path stranger = Files.createDirectories(dir.resolve("photos.zarr.part"));
        Files.writeString(stranger.resolve("readme.txt"), "not a store");

        Exception e = assertThrows(java.io.IOException.class, () -> StoreRecovery.recover(stranger, JSON));

        assertTrue(e.getMessage().contains("no root group metadata"), e.getMessage());
        assertTrue(Files.exists(stranger.resolve("readme.txt")));
        assertFalse(Files.exists(stranger.resolve(Store.LOCK)), "nothing added to it");
    }
}
