package org.daqlab.writer.parquet.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.io.TempDir;

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
 * Kills a real JVM that is writing through the Parquet writer with SIGKILL (no shutdown hook, no
 * close, no flush of user-space buffers) and recovers its leftovers as the next start would: each
 * stream's file must hold every row flushed before the kill, exactly once and in order, as hyparquet
 * reads it.
 */
class CrashRecoveryTest {

    /** Put in the queue when the child's stdout closes (its death), after the last line. */
    private static final String EOF = "\u0000eof";
    /** Linux reports a process killed by signal 9 as exit status 128 + 9. */
    private static final int KILLED = 137;

    @TempDir
    Path dir;

    @RepeatedTest(3)
    void everyRowFlushedBeforeKillDashNineIsInTheRecoveredFilesOnceAndInOrder(RepetitionInfo repetition) throws Exception {
        // each repetition kills after a different number of flushes and at a random moment after it
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        int flushesBeforeKill = 2 + 2 * repetition.getCurrentRepetition();
        int batchesPerFlush = 1 + random.nextInt(6);
        int delayMs = random.nextInt(20 * batchesPerFlush);
        String trial = "seed " + seed + ": kill " + delayMs + " ms after flush " + flushesBeforeKill
                + ", a flush every " + batchesPerFlush + " batches";

        Map<String, Long> flushed = runAndKill(batchesPerFlush, flushesBeforeKill, delayMs, trial);

        try (BufferAllocator allocator = new RootAllocator()) {
            for (String stream : flushed.keySet()) {
                Path part = dir.resolve(stream + "_s1.parquet.part");
                Path done = dir.resolve(stream + "_s1.parquet");
                assertTrue(Files.exists(part) && Files.exists(Journal.of(part)), trial + ": " + stream + " left its data and journal");
                assertFalse(Files.exists(done), trial + ": nothing looks complete before recovery");

                String report = ParquetRecovery.recover(part, allocator, new ObjectMapper());

                assertNotNull(report, trial + ": the dead writer's lock must not stop recovery");
                assertFalse(Files.exists(part) || Files.exists(Journal.of(part)), trial + ": renamed, journal deleted");
                Readback read = new Readback(NodeReaders.hyparquet(done), trial + " " + done.getFileName());
                long rows = read.rows();
                long atFlush = flushed.get(stream);
                assertTrue(rows >= atFlush, trial + ": " + stream + " has " + rows + " rows, fewer than the " + atFlush + " flushed");
                switch (stream) {
                    case "power_meter_01" -> read.assertPower(0, Math.toIntExact(rows), 0);
                    case "adc0" -> read.assertAdc(0, Math.toIntExact(rows), 0);
                    default -> read.assertCamera(0, Math.toIntExact(rows), 0);
                }
                assertTrue(report.contains(done.getFileName().toString()) && report.contains(rows + " rows"),
                        trial + ": the report names the file and its rows: " + report);
            }
        }
    }

    /**
     * Starts {@link CrashingWriterMain} in a JVM like this one, kills it {@code delayMs} after its
     * {@code flushes}-th flush and returns the rows of the last flush it reported before it died.
     */
    private Map<String, Long> runAndKill(int batchesPerFlush, int flushes, int delayMs, String trial) throws Exception {
        Path stderr = dir.resolve("child.err");
        // the same java and classpath as this test; Arrow needs the same --add-opens as surefire's argLine
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), CrashingWriterMain.class.getName(),
                dir.toString(), Integer.toString(batchesPerFlush))
                .redirectError(stderr.toFile()).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = readLines(child, lines);
        List<String> seen = new ArrayList<>();
        try {
            for (int n = 0; n < flushes; ) {
                String line = lines.poll(120, TimeUnit.SECONDS);
                assertNotNull(line, trial + ": the child printed nothing for 120 s; stderr: " + Files.readString(stderr));
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

    /** {@code FLUSHED power_meter_01=1400 adc0=2600 camera0=10} as stream → rows. */
    private static Map<String, Long> counts(String flushedLine) {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String pair : flushedLine.substring(CrashingWriterMain.FLUSHED.length()).trim().split(" ")) {
            String[] kv = pair.split("=");
            rows.put(kv[0], Long.parseLong(kv[1]));
        }
        return rows;
    }
}
