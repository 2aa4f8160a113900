package org.daqlab.writer.arrow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.KilledWriter;
import org.daqlab.api.storage.TestStreams;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills a real JVM that is writing through the Arrow writer with SIGKILL (no shutdown hook, no
 * close) and recovers its leftovers as the next start would. Before recovery, a stream-format
 * {@code .part} is already readable by apache-arrow up to its last complete batch; after recovery
 * every file reads without error and holds every batch flushed before the kill, exactly once, in
 * order, with every value as written.
 */
class CrashRecoveryTest {


    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} format, {1}, killed after flush {2}")
    @CsvSource({"stream, none, 2", "stream, zstd, 3", "file, lz4_frame, 2", "file, zstd, 4"})
    void everyBatchFlushedBeforeKillDashNineIsReadableOnceInOrderAfterRecovery(String format, String compression,
            int flushesBeforeKill) throws Exception {
        IpcFormat ipc = IpcFormat.fromOption(format);
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        int roundsPerFlush = 2 + random.nextInt(20);
        int delayMs = random.nextInt(10 * roundsPerFlush);
        String trial = "seed " + seed + ": " + format + "/" + compression + ", kill " + delayMs + " ms after flush "
                + flushesBeforeKill + ", a flush every " + roundsPerFlush + " rounds";

        Map<String, Long> flushed = KilledWriter.runAndKill(dir, CrashingWriterMain.class,
                List.of(dir.toString(), format, compression, Integer.toString(roundsPerFlush)), flushesBeforeKill, delayMs, trial);

        List<Path> parts = new ArrayList<>();
        for (StreamDescriptor stream : CrashingWriterMain.STREAMS) {
            Path part = dir.resolve(stream.stream() + "_s1." + ipc.extension() + ".part");
            assertTrue(Files.exists(part), trial + ": the killed writer left " + part);
            assertFalse(Files.exists(finalPath(part)), trial + ": nothing looks complete before recovery");
            parts.add(part);
        }
        if (ipc == IpcFormat.STREAM) {
            // readable as it is, up to the last complete batch (an incomplete one at the end is an error after them)
            List<JsonNode> unrecovered = ArrowJs.readAll(parts, dir);
            for (int s = 0; s < parts.size(); s++) {
                StreamDescriptor stream = CrashingWriterMain.STREAMS.get(s);
                long rows = ArrowJs.assertRows(unrecovered.get(s), TestStreams.expected(stream), 0);
                assertTrue(rows >= flushed.get(stream.stream()), trial + ": " + stream.stream() + " before recovery: "
                        + rows + " rows < flushed " + flushed);
            }
        }

        List<Path> recovered = new ArrayList<>();
        for (Path part : parts) {
            String report = IpcRecovery.recover(part);
            assertNotNull(report, trial + ": the dead writer's lock must not stop recovery");
            assertFalse(Files.exists(part), trial + ": the .part is renamed");
            assertTrue(report.contains(finalPath(part).getFileName().toString()), trial + ": names the file: " + report);
            recovered.add(finalPath(part));
        }
        List<JsonNode> files = ArrowJs.readAll(recovered, dir);
        for (int s = 0; s < files.size(); s++) {
            StreamDescriptor stream = CrashingWriterMain.STREAMS.get(s);
            JsonNode file = ArrowJs.ok(files.get(s));
            assertEquals(format, file.get("format").asText());
            long rows = ArrowJs.assertRows(file, TestStreams.expected(stream), 0);
            assertTrue(rows >= flushed.get(stream.stream()), trial + ": " + stream.stream() + " rows " + rows
                    + " < flushed " + flushed);
            assertTrue(ArrowJs.batchRows(file).stream().allMatch(r -> r == CrashingWriterMain.ROWS[CrashingWriterMain.STREAMS
                    .indexOf(stream)]), trial + ": whole batches only");
        }
    }

    private static Path finalPath(Path part) {
        String name = part.getFileName().toString();
        return part.resolveSibling(name.substring(0, name.length() - ".part".length()));
    }
}
