package org.daqlab.writer.csv.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.KilledWriter;
import org.daqlab.api.storage.TestStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills a real JVM that is writing through the CSV writer with SIGKILL (no close, no flush of
 * buffers) and recovers its leftovers as the next start would: every file is renamed, a record cut
 * short by the kill is removed, Python's csv module reads each file, and every row flushed before
 * the kill is there exactly once, in order, with its values.
 */
class CsvCrashRecoveryTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "killed after flush {0}")
    @ValueSource(ints = {1, 3})
    void everyRowFlushedBeforeKillDashNineIsReadOnceInOrderAfterRecovery(int flushesBeforeKill) throws Exception {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        int roundsPerFlush = 2 + random.nextInt(10);
        int delayMs = random.nextInt(10 * roundsPerFlush);
        String trial = "seed " + seed + ": kill " + delayMs + " ms after flush " + flushesBeforeKill + ", a flush every "
                + roundsPerFlush + " rounds";

        Map<String, Long> flushed = KilledWriter.runAndKill(dir, CrashingWriterMain.class,
                List.of(dir.toString(), Integer.toString(roundsPerFlush)), flushesBeforeKill, delayMs, trial);
        backdate(dir); // leftovers of a crashed platform were last written before this JVM started

        List<Path> found = CsvRecovery.leftovers(dir);
        assertEquals(CrashingWriterMain.STREAMS.size(), found.size(), trial + ": " + found);
        for (Path part : found) {
            String report = CsvRecovery.recover(part, mapper);
            assertTrue(report.startsWith("recovered "), report);
        }
        assertEquals(List.of(), names(dir).stream().filter(n -> n.contains(".part")).toList(), trial + ": nothing keeps a temporary name");

        for (StreamDescriptor stream : CrashingWriterMain.STREAMS) {
            List<List<String>> csv = PythonCsv.read(dir.resolve(stream.stream() + "_s1.csv"), ',').rows();
            long rows = csv.size() - 1;
            assertTrue(rows >= flushed.get(stream.stream()), trial + ": " + stream.stream() + " has " + rows
                    + " rows, flushed were " + flushed);
            int timestamp = csv.get(0).indexOf("timestamp_ns");
            for (int row = 0; row < rows; row++) {
                assertEquals(Long.toString(TestStreams.timestamp(row)), csv.get(row + 1).get(timestamp),
                        trial + ": " + stream.stream() + " row " + row);
            }
            if (stream == TestStreams.POWER) {
                int note = csv.get(0).indexOf("note");
                for (int row = 0; row < rows; row++) {
                    assertEquals(TestStreams.note(row), csv.get(row + 1).get(note), trial + ": note of row " + row);
                }
            }
            JsonNode sidecar = mapper.readTree(dir.resolve(stream.stream() + "_s1.json").toFile());
            assertEquals(rows, sidecar.path("recovered").path("rows").asLong(), trial + ": sidecar of " + stream.stream());
            assertEquals(stream.stream() + "_s1.csv", sidecar.path("csv_file").asText());
            assertEquals(stream.stream(), sidecar.path("stream").asText(), "the sidecar written before the crash is kept");
        }
    }

    @Test
    void aRecordCutInsideAQuotedLineBreakIsRemovedWhole() throws Exception {
        Path part = dir.resolve("x_s1.csv.part");
        Files.writeString(part, "timestamp_ns,note\r\n1,\"a\r\nb\"\r\n2,\"c\r\nd");

        String report = CsvRecovery.recover(part, mapper);

        assertEquals("timestamp_ns,note\r\n1,\"a\r\nb\"\r\n", Files.readString(dir.resolve("x_s1.csv")));
        assertTrue(report.contains("1 rows") && report.contains("the last 7 bytes"), report);
        assertTrue(report.contains("sidecar written anew"), report);
        assertEquals(1, mapper.readTree(dir.resolve("x_s1.json").toFile()).path("recovered").path("rows").asLong());
    }

    @Test
    void aFileKilledBeforeItsHeaderReachedTheDiskGetsTheHeaderItsSidecarNames() throws Exception {
        Path part = dir.resolve("x_s1.csv.part");
        Files.writeString(part, "timestamp_ns;wave"); // the header cut short
        Files.writeString(dir.resolve("x_s1.json.part"), "{\"stream\": \"x\", \"delimiter\": \";\", \"columns\": ["
                + "{\"name\": \"timestamp_ns\"}, {\"name\": \"wave;length\"}]}");

        String report = CsvRecovery.recover(part, mapper);

        assertEquals(List.of(List.of("timestamp_ns", "wave;length")), PythonCsv.read(dir.resolve("x_s1.csv"), ';').rows());
        assertTrue(report.contains("0 rows") && report.contains("header written from the sidecar"), report);
    }

    @Test
    void aSidecarRewriteUnderWayAtTheCrashGivesTheWholeVersion() throws Exception {
        Files.writeString(dir.resolve("x_s1.csv.part"), "timestamp_ns\r\n1\r\n");
        Files.writeString(dir.resolve("x_s1.json.part"), "{\"stream\": \"old\"}");
        Files.writeString(dir.resolve("x_s1.json.part.next"), "{\"stream\": \"new\"}");

        CsvRecovery.recover(dir.resolve("x_s1.csv.part"), mapper);

        assertEquals(List.of("x_s1.csv", "x_s1.json"), names(dir));
        assertEquals("new", mapper.readTree(dir.resolve("x_s1.json").toFile()).path("stream").asText());
    }

    @Test
    void filesWrittenSinceThisJvmStartedAreNotLeftovers() throws Exception {
        Files.writeString(dir.resolve("live_s1.csv.part"), "timestamp_ns\r\n");
        Files.writeString(dir.resolve("old_s1.csv.part"), "timestamp_ns\r\n");
        Files.setLastModifiedTime(dir.resolve("old_s1.csv.part"), FileTime.from(Instant.now().minusSeconds(3600 * 24 * 365)));

        assertEquals(List.of(dir.resolve("old_s1.csv.part")), CsvRecovery.leftovers(dir));
    }

    private static void backdate(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(3600 * 24 * 365)));
            }
        }
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("child.err")).sorted().toList();
        }
    }
}
