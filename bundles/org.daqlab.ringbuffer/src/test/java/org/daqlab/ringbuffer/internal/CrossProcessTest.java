package org.daqlab.ringbuffer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.daqlab.api.ring.OverflowMode;
import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingReader;
import org.daqlab.api.ring.RingStats;
import org.daqlab.ringbuffer.internal.Payloads.Received;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Other JVMs reading, stalling, dying and scribbling on the ring file this JVM publishes to. */
class CrossProcessTest {

    /** Bounds every wait, so that a bug fails the test instead of hanging the build. */
    private static final long HANG_GUARD_SECONDS = 120;

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("ring.dat");
    }

    private static Process startJvm(Class<?> main, String... args) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static BufferedReader outputOf(Process process) {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    @Test
    void aSecondJvmReadsEveryRecordInOrder() throws Exception {
        int records = 5_000;
        // BLOCK: the producer waits for the other process's reader through its slot in the file, so
        // nothing may be lost however slowly that JVM starts reading.
        try (MappedRing ring = MappedRing.create(file(), 64 * 1024, OverflowMode.BLOCK,
                Duration.ofSeconds(HANG_GUARD_SECONDS))) {
            Process child = startJvm(RingReaderProcess.class, file().toString(), Integer.toString(records - 1),
                    Long.toString(HANG_GUARD_SECONDS));
            try (BufferedReader output = outputOf(child)) {
                assertEquals("READY", output.readLine());
                // Read the child's output while publishing, so that a full pipe never stalls it.
                CompletableFuture<List<String>> lines = CompletableFuture.supplyAsync(() -> output.lines().toList());

                for (int i = 0; i < records; i++) {
                    ring.publish(RecordType.BATCH, 7, i, i, Payloads.derived(i, i % 300));
                }

                List<String> reported = lines.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
                for (int i = 0; i < records; i++) {
                    assertEquals("SEQ " + i, i < reported.size() ? reported.get(i) : "nothing",
                            "record " + i + " as the other process read it");
                }
                assertEquals(List.of("DONE 0"), reported.subList(records, reported.size()), "its loss count");
                assertEquals(0, child.waitFor());
                assertEquals(0, ring.stats().blockTimeouts());
            } finally {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void aReaderKilledWithSigkillNoLongerHoldsBlockProducersBack() throws Exception {
        // A timeout far longer than the test: if the dead reader were waited for, the publishes below
        // would count block timeouts (and take minutes).
        try (MappedRing ring = MappedRing.create(file(), 64 * 1024, OverflowMode.BLOCK,
                Duration.ofSeconds(HANG_GUARD_SECONDS))) {
            Process child = startJvm(StalledReaderProcess.class, file().toString());
            try (BufferedReader output = outputOf(child)) {
                assertEquals("READY", output.readLine());
                assertEquals(List.of("stalled"), ring.stats().readers().stream().map(RingStats.ReaderStats::name).toList());
                child.destroyForcibly(); // SIGKILL: the reader cannot unregister
                assertTrue(child.waitFor(HANG_GUARD_SECONDS, TimeUnit.SECONDS));

                for (int i = 0; i < 1_000; i++) { // about 6 laps
                    ring.publish(RecordType.BATCH, 1, i, i, Payloads.derived(i, 300));
                }

                RingStats stats = ring.stats();
                assertEquals(0, stats.blockTimeouts(), "no publish waited for the dead reader");
                assertEquals(1, stats.deadReadersReclaimed());
                assertEquals(List.of(), stats.readers());
            } finally {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void aLiveReaderThatStopsReadingHoldsBlockProducersBackOnlyUntilTheTimeout() throws Exception {
        try (MappedRing ring = MappedRing.create(file(), 64 * 1024, OverflowMode.BLOCK, Duration.ofMillis(50))) {
            Process child = startJvm(StalledReaderProcess.class, file().toString());
            try (BufferedReader output = outputOf(child)) {
                assertEquals("READY", output.readLine());

                for (int i = 0; i < 220; i++) { // a lap is 190 records
                    ring.publish(RecordType.BATCH, 1, i, i, Payloads.derived(i, 300));
                }

                RingStats stats = ring.stats();
                assertTrue(stats.blockTimeouts() > 0, "the producer waited, then overwrote: " + stats);
                assertEquals(0, stats.deadReadersReclaimed(), "the reader's process lives");
                assertEquals(1, stats.readers().size());
                assertTrue(child.isAlive());
            } finally {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void garbageWrittenIntoTheRingByAnotherProcessIsSkippedCountedAndReported() throws Exception {
        try (MappedRing ring = MappedRing.create(file(), 4096, OverflowMode.DISCARD_OLDEST, Duration.ZERO);
                RingReader reader = ring.openReader("reader")) {
            for (int i = 0; i < 3; i++) { // 48-byte records at positions 0, 48, 96
                ring.publish(RecordType.BATCH, 1, i, i, Payloads.derived(i, 8));
            }
            long second = MappedRingTest.DATA_OFFSET + 48;
            // The second record's word becomes length 13 (not a record), type 77 (no such type).
            Process scribbler = startJvm(ForeignWriterProcess.class, file().toString(), Long.toString(second),
                    HexFormat.of().formatHex(new byte[] {13, 0, 0, 0, 77, 0, 0, 0}));
            assertEquals(0, scribbler.waitFor());

            List<Received> read = Payloads.drain(reader);
            ring.publish(RecordType.BATCH, 1, 3, 3, Payloads.derived(3, 8));
            read.addAll(Payloads.drain(reader));

            assertEquals(List.of(0L, 3L), read.stream().map(Received::sequence).toList());
            assertEquals(1, reader.corruptRecords());
            assertEquals(2, reader.lostRecords(), "the corrupt record and the one skipped with it");

            // The publisher laps the damaged records without tripping over them.
            for (int i = 4; i < 200; i++) {
                ring.publish(RecordType.BATCH, 1, i, i, Payloads.derived(i, 8));
            }
            List<Received> later = Payloads.drain(reader);
            assertEquals(199, later.get(later.size() - 1).sequence());
            later.forEach(r -> assertTrue(Payloads.isDerived(r.payload(), r.sequence())));
        }
    }
}
