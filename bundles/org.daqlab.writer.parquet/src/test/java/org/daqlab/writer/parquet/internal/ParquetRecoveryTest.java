package org.daqlab.writer.parquet.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.daqlab.api.run.StreamDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recovery of stream files as a crash leaves them, taken as copies of a live segment's files (which
 * the writer does not lock): after each flush the copy must give back exactly the rows flushed, in
 * order, through both ways a flush makes rows durable (spooled in the journal, or in completed
 * parts); damaged journals, live files and name clashes are handled without losing anything.
 */
class ParquetRecoveryTest {

    /** Row groups of 1 MiB also cap the spool at 1 MiB: the streams below take both ways within a few flushes. */
    private static final Map<String, Object> SMALL_GROUPS = Map.of("row__group__mb", 1);
    private static final StreamDescriptor[] STREAMS = {TestBatches.POWER, TestBatches.ADC, TestBatches.CAMERA};

    @TempDir
    Path dir;
    private final BufferAllocator allocator = new RootAllocator();
    private final ObjectMapper mapper = new ObjectMapper();

    @AfterEach
    void free() {
        allocator.close();
    }

    /** Rows of each stream at one flush, and the copies of the files as they were then plus unflushed writes. */
    private record Crash(Map<String, Long> flushed, Map<String, Path> copies, Map<String, Journal.Contents> journals) {
    }

    @Test
    void copyTakenAfterAnyFlushGivesBackExactlyTheRowsFlushedInOrder() throws Exception {
        List<Crash> crashes = new ArrayList<>();
        try (LiveSegment live = new LiveSegment(dir.resolve("live"), SMALL_GROUPS, STREAMS)) {
            long power = 0;
            long adc = 0;
            long frames = 0;
            for (int batch = 1; batch <= 24; batch++) {
                live.power(power, 700);
                power += 700;
                live.adc(adc, 1300);
                adc += 1300;
                live.camera(frames, 5);
                frames += 5;
                if (batch % 3 == 0) {
                    live.run.flush();
                    Map<String, Long> flushed = Map.of("power_meter_01", power, "adc0", adc, "camera0", frames);
                    // rows after the flush that are not flushed: a crash may leave them half on disk
                    live.power(power, 700);
                    power += 700;
                    live.adc(adc, 1300);
                    adc += 1300;
                    crashes.add(crash(live, "crash-" + batch, flushed));
                }
            }
        }
        assertTrue(crashes.stream().anyMatch(c -> c.journals.get("adc0").parts() > 1), "some copy has complete parts");
        assertTrue(crashes.stream().anyMatch(c -> !c.journals.get("adc0").batches().isEmpty()), "some copy has spooled ADC rows");
        assertTrue(crashes.stream().allMatch(c -> c.journals.get("camera0").parts() == 0), "the camera's rows stay spooled");
        for (Crash crash : crashes) {
            for (Map.Entry<String, Path> copy : crash.copies.entrySet()) {
                String report = ParquetRecovery.recover(copy.getValue(), allocator, mapper);
                assertNotNull(report, copy.getValue() + " is not locked");
                Path recovered = finalName(copy.getValue());
                assertFalse(Files.exists(copy.getValue()) || Files.exists(Journal.of(copy.getValue())), "renamed, journal gone");
                long rows = crash.flushed.get(copy.getKey());
                Readback read = new Readback(NodeReaders.hyparquet(recovered), recovered.toString());
                assertEquals(rows, read.rows(), recovered + ": the rows of the last flush, no more, no fewer");
                switch (copy.getKey()) {
                    case "power_meter_01" -> read.assertPower(0, (int) rows, 0);
                    case "adc0" -> read.assertAdc(0, (int) rows, 0);
                    default -> read.assertCamera(0, (int) rows, 0);
                }
                assertTrue(report.contains(recovered.getFileName().toString()) && report.contains(rows + " rows"), report);
            }
        }
    }

    private Crash crash(LiveSegment live, String name, Map<String, Long> flushed) throws IOException {
        Map<String, Path> copies = new LinkedHashMap<>();
        Map<String, Journal.Contents> journals = new LinkedHashMap<>();
        for (StreamDescriptor stream : STREAMS) {
            Path copy = Leftovers.copy(live.file(stream.stream()), dir.resolve(name));
            copies.put(stream.stream(), copy);
            journals.put(stream.stream(), Leftovers.journal(copy));
        }
        return new Crash(flushed, copies, journals);
    }

    @Test
    void journalCutInItsLastRecordGivesTheRowsOfTheFlushBefore() throws Exception {
        Path copy;
        try (LiveSegment live = new LiveSegment(dir.resolve("live"), Map.of(), TestBatches.POWER)) {
            live.power(0, 100);
            live.run.flush();
            live.power(100, 100);
            live.run.flush();
            copy = Leftovers.copy(live.file("power_meter_01"), dir.resolve("crash"));
        }
        Path journal = Journal.of(copy);
        Leftovers.truncate(journal, Files.size(journal) - 3);

        String report = ParquetRecovery.recover(copy, allocator, mapper);

        Readback read = new Readback(NodeReaders.hyparquet(finalName(copy)), "recovered");
        assertEquals(100, read.rows());
        read.assertPower(0, 100, 0);
        assertTrue(report.contains("journal ends early"), report);
    }

    @Test
    void bytesAfterTheLastCompletePartAreCutOffAndReported() throws Exception {
        Path copy;
        try (LiveSegment live = new LiveSegment(dir.resolve("live"), SMALL_GROUPS, TestBatches.ADC)) {
            for (int batch = 0; batch < 8; batch++) {
                live.adc(batch * 1300L, 1300);
            }
            live.run.flush(); // 1.4 MB of rows: a part
            copy = Leftovers.copy(live.file("adc0"), dir.resolve("crash"));
        }
        assertEquals(1, Leftovers.journal(copy).parts());
        Leftovers.appendGarbage(copy, 100_000); // as a half-written row group would be

        String report = ParquetRecovery.recover(copy, allocator, mapper);

        new Readback(NodeReaders.hyparquet(finalName(copy)), "recovered").assertAdc(0, 8 * 1300, 0);
        assertTrue(report.contains("100000 bytes written after the last flush were incomplete and cut off"), report);
    }

    @Test
    void fileThatALiveWriterHoldsIsLeftAlone() throws Exception {
        try (LiveSegment live = new LiveSegment(dir, Map.of(), TestBatches.ADC)) {
            live.adc(0, 100);
            live.run.flush();
            long size = Files.size(live.file("adc0"));

            assertNull(ParquetRecovery.recover(live.file("adc0"), allocator, mapper), "locked by the live writer");

            assertEquals(size, Files.size(live.file("adc0")));
            assertTrue(lockedForOtherProcesses(Journal.of(live.file("adc0"))), "recovery in this JVM did not drop the writer's lock");
            // what the core does at every flush: open the data file, sync it, close it
            try (FileChannel sync = FileChannel.open(live.file("adc0"), StandardOpenOption.WRITE)) {
                sync.force(true);
            }
            assertTrue(lockedForOtherProcesses(Journal.of(live.file("adc0"))), "the core's sync did not drop the writer's lock");
            assertNull(ParquetRecovery.recover(live.file("adc0"), allocator, mapper), "still live");
            assertTrue(Files.exists(Journal.of(live.file("adc0"))));
            live.adc(100, 100);
            live.close();
            new Readback(NodeReaders.hyparquet(live.file("adc0")), "adc0").assertAdc(0, 200, 0);
        }
    }

    @Test
    void journalWithADamagedHeaderKeepsDataAndJournalUntouched() throws Exception {
        Path copy;
        try (LiveSegment live = new LiveSegment(dir.resolve("live"), Map.of(), TestBatches.ADC)) {
            live.adc(0, 100);
            live.run.flush();
            copy = Leftovers.copy(live.file("adc0"), dir.resolve("crash"));
        }
        Leftovers.corrupt(Journal.of(copy), 40); // inside the header record
        byte[] data = Files.readAllBytes(copy);
        byte[] journal = Files.readAllBytes(Journal.of(copy));

        IOException e = assertThrows(IOException.class, () -> ParquetRecovery.recover(copy, allocator, mapper));

        assertTrue(e.getMessage().contains(Journal.of(copy).toString()), e.getMessage());
        assertArrayEquals(data, Files.readAllBytes(copy));
        assertArrayEquals(journal, Files.readAllBytes(Journal.of(copy)));
    }

    @Test
    void recoveredFileDoesNotReplaceAFileOfTheSameName() throws Exception {
        Path copy;
        try (LiveSegment live = new LiveSegment(dir.resolve("live"), Map.of(), TestBatches.ADC)) {
            live.adc(0, 100);
            live.run.flush();
            copy = Leftovers.copy(live.file("adc0"), dir.resolve("crash"));
        }
        Path taken = copy.resolveSibling("adc0_s1.parquet");
        Files.writeString(taken, "someone else's");

        String report = ParquetRecovery.recover(copy, allocator, mapper);

        assertEquals("someone else's", Files.readString(taken));
        Path recovered = copy.resolveSibling("adc0_s1.recovered.parquet");
        assertTrue(report.contains(recovered.getFileName().toString()), report);
        new Readback(NodeReaders.hyparquet(recovered), "recovered").assertAdc(0, 100, 0);
    }

    /** The first segment a writer opens in a directory completes what a crash left there, and says so. */
    @Test
    void writerRecoversLeftoversOfItsDirectoryWhenItFirstWritesThere() throws Exception {
        try (LiveSegment crashed = new LiveSegment(dir.resolve("live"), Map.of(), TestBatches.ADC)) {
            crashed.adc(0, 300);
            crashed.run.flush();
            Leftovers.copy(crashed.file("adc0"), dir.resolve("out"));
            Files.move(dir.resolve("out/adc0_s1.parquet.part"), dir.resolve("out/old_adc0.parquet.part"));
            Files.move(dir.resolve("out/adc0_s1.parquet.part.journal"), dir.resolve("out/old_adc0.parquet.part.journal"));
        }
        LiveSegment next = new LiveSegment(dir.resolve("out"), Map.of(), TestBatches.POWER);
        next.power(0, 10);
        next.close(); // stops the writer, which waits for its recovery

        Path recovered = dir.resolve("out/old_adc0.parquet");
        new Readback(NodeReaders.hyparquet(recovered), "recovered").assertAdc(0, 300, 0);
        assertFalse(Files.exists(dir.resolve("out/old_adc0.parquet.part.journal")));
        assertTrue(next.context.notices.stream().anyMatch(n -> n.contains("old_adc0.parquet") && n.contains("300 rows")),
                next.context.notices.toString());
    }

    /** Whether another process (Python's POSIX lockf, the same kind of lock as Java's) is refused the file's lock. */
    private static boolean lockedForOtherProcesses(Path file) throws Exception {
        Process p = new ProcessBuilder("python3", "-c",
                "import fcntl, sys\nf = open(sys.argv[1], 'r+')\nfcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)", file.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() != 0;
    }

    static Path finalName(Path part) {
        String name = part.getFileName().toString();
        return part.resolveSibling(name.substring(0, name.length() - ".part".length()));
    }
}
