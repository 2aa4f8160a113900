package org.daqlab.writer.hdf5.internal;

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
 * Kills a real JVM that is writing through the HDF5 writer with SIGKILL (no shutdown hook, no
 * close, no flush of user-space buffers) and recovers its leftovers as the next start would: the
 * file must hold every row flushed before the kill, exactly and in order, and read with h5py.
 */
class CrashRecoveryTest {

    /** Printed by the child's stdout pipe closing (its death), after the last line. */
    private static final String EOF = "\u0000eof";
    /** Linux reports a process killed by signal 9 as exit status 128 + 9. */
    private static final int KILLED = 137;

    @TempDir
    Path dir;

    @RepeatedTest(3)
    void everyRowFlushedBeforeKillDashNineIsInTheRecoveredFile(RepetitionInfo repetition) throws Exception {
        // each repetition kills after a different number of flushes and at a random moment after it;
        // long gaps between flushes let the journal's buffer spill records (and cut ones) to disk before the kill
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        int flushesBeforeKill = 1 + repetition.getCurrentRepetition();
        int batchesPerFlush = 2 + random.nextInt(30);
        int delayMs = random.nextInt(10 * batchesPerFlush);
        String trial = "seed " + seed + ": kill " + delayMs + " ms after flush " + flushesBeforeKill
                + ", a flush every " + batchesPerFlush + " batches";

        Map<String, Long> flushed = runAndKill(batchesPerFlush, flushesBeforeKill, delayMs, trial);

        Path part = dir.resolve("run_s1.h5.part");
        Path h5 = dir.resolve("run_s1.h5");
        assertTrue(Files.exists(part) && Files.exists(Journal.of(part)), trial + ": the killed writer left its data and journal");
        assertFalse(Files.exists(h5), trial + ": nothing looks complete before recovery");

        String report = JournalRecovery.recover(part);

        assertNotNull(report, trial + ": the dead writer's lock must not stop recovery");
        assertFalse(Files.exists(part), trial + ": the .part is renamed");
        assertFalse(Files.exists(Journal.of(part)), trial + ": the journal is deleted once the file is built");
        Map<String, Object> file = H5py.dump(h5, dir);
        long power = StreamChecks.rows(file, "power_meter_01");
        long adc = StreamChecks.rows(file, "adc0");
        assertTrue(power >= flushed.get("power_meter_01"), trial + ": power rows " + power + " < flushed " + flushed);
        assertTrue(adc >= flushed.get("adc0"), trial + ": adc rows " + adc + " < flushed " + flushed);
        StreamChecks.assertPower(file, "power_meter_01", 0, Math.toIntExact(power));
        StreamChecks.assertAdc(file, "adc0", 0, Math.toIntExact(adc), 3);
        assertTrue(report.contains("run_s1.h5") && report.contains("power_meter_01 " + power + " rows")
                && report.contains("adc0 " + adc + " rows"), trial + ": report names the file and rows: " + report);
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

    /** {@code FLUSHED power_meter_01=1400 adc0=2600} as stream → rows. */
    private static Map<String, Long> counts(String flushedLine) {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String pair : flushedLine.substring(CrashingWriterMain.FLUSHED.length()).trim().split(" ")) {
            String[] kv = pair.split("=");
            rows.put(kv[0], Long.parseLong(kv[1]));
        }
        return rows;
    }
}
