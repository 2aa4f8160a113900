package org.daqlab.writer.arrow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.daqlab.api.run.StreamDescriptor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

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

    /** Printed by the child's stdout pipe closing (its death), after the last line. */
    private static final String EOF = "\u0000eof";
    /** Linux reports a process killed by signal 9 as exit status 128 + 9. */
    private static final int KILLED = 137;

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

        Map<String, Long> flushed = runAndKill(format, compression, roundsPerFlush, flushesBeforeKill, delayMs, trial);

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

    /**
     * Starts {@link CrashingWriterMain} in a JVM like this one, kills it {@code delayMs} after its
     * {@code flushes}-th flush and returns the rows of the last flush it reported before it died.
     */
    private Map<String, Long> runAndKill(String format, String compression, int roundsPerFlush, int flushes, int delayMs,
            String trial) throws Exception {
        Path stderr = dir.resolve("child.err");
        // the same java and classpath as this test; Arrow needs the same --add-opens as surefire's argLine
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), CrashingWriterMain.class.getName(),
                dir.toString(), format, compression, Integer.toString(roundsPerFlush))
                .redirectError(stderr.toFile()).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = readLines(child, lines);
        List<String> seen = new ArrayList<>();
        try {
            for (int n = 0; n < flushes; ) {
                String line = lines.poll(60, TimeUnit.SECONDS);
                assertNotNull(line, trial + ": the child printed nothing for 60 s; stderr: " + Files.readString(stderr));
                assertFalse(line.equals(EOF), trial + ": the child died by itself; stderr: " + Files.readString(stderr));
                seen.add(line);
                n += line.startsWith(CrashingWriterMain.FLUSHED) ? 1 : 0;
            }
            Thread.sleep(delayMs);
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), trial + ": the child outlived SIGKILL");
        }
        assertEquals(KILLED, child.exitValue(), trial + ": the child was killed, it did not exit; stderr: " + Files.readString(stderr));
        // lines the child printed between our last read and its death count too
        reader.join(TimeUnit.SECONDS.toMillis(60));
        lines.drainTo(seen);
        String last = null;
        for (String line : seen) {
            last = line.startsWith(CrashingWriterMain.FLUSHED) ? line : last;
        }
        return counts(last);
    }

    private static Thread readLines(Process child, BlockingQueue<String> lines) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the pipe broke: the child is dead, which EOF reports
            }
            lines.add(EOF);
        }, "crash-child-stdout");
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    /** {@code FLUSHED power_meter_01=1400 adc0=2600 camera0=6} as stream → rows. */
    private static Map<String, Long> counts(String flushedLine) {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String pair : flushedLine.substring(CrashingWriterMain.FLUSHED.length()).trim().split(" ")) {
            String[] kv = pair.split("=");
            rows.put(kv[0], Long.parseLong(kv[1]));
        }
        return rows;
    }
}
