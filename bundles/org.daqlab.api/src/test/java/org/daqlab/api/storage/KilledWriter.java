package org.daqlab.api.storage;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.StreamDescriptor;

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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two halves of a writer's kill -9 test. A child JVM writes rounds of batches through a
 * {@link RunWriter} and prints the rows of every stream after each flush ({@link #writeUntilKilled});
 * the test kills it with SIGKILL — no shutdown hook, no close, no flush of user-space buffers — a
 * chosen time after a chosen flush ({@link #runAndKill}) and learns how many rows of each stream were
 * flushed before the kill, which recovery must then give back.
 */
public final class KilledWriter {

    private static final String FLUSHED = "FLUSHED";
    /** Put in the queue when the child's stdout closes (its death), after its last line. */
    private static final String EOF = "\u0000eof";
    /** Linux reports a process killed by signal 9 as exit status 128 + 9. */
    private static final int KILLED = 137;
    /** A child still alive after this many rounds was not killed: the test failed to do its part. */
    private static final int MAX_ROUNDS = 20_000;

    private KilledWriter() {
    }

    /** The batch of {@code rows} rows of {@code stream} starting at row {@code first}, which the writer's test knows how to check. */
    @FunctionalInterface
    public interface Batches {
        VectorSchemaRoot batch(StreamDescriptor stream, long first, int rows);
    }

    /**
     * In the child: describes {@code streams}, then writes one batch of each per round, flushing
     * every {@code roundsPerFlush} rounds and printing the rows flushed per stream, until killed.
     * Halts if the parent goes away (its end of stdin closes), so that no child outlives a dead test.
     *
     * @param rowsPerBatch rows of each batch of {@code streams}, in order
     */
    public static void writeUntilKilled(RunWriter run, List<StreamDescriptor> streams, int[] rowsPerBatch,
            Batches batches, int roundsPerFlush) throws Exception {
        exitWhenParentGoesAway();
        for (StreamDescriptor stream : streams) {
            run.describe(stream);
        }
        long[] rows = new long[streams.size()];
        for (int round = 1; round <= MAX_ROUNDS; round++) {
            for (int s = 0; s < streams.size(); s++) {
                try (VectorSchemaRoot batch = batches.batch(streams.get(s), rows[s], rowsPerBatch[s])) {
                    run.write(streams.get(s).stream(), batch);
                }
                rows[s] += rowsPerBatch[s];
            }
            if (round % roundsPerFlush == 0) {
                run.flush();
                StringBuilder line = new StringBuilder(FLUSHED);
                for (int s = 0; s < streams.size(); s++) {
                    line.append(' ').append(streams.get(s).stream()).append('=').append(rows[s]);
                }
                System.out.println(line);
                System.out.flush();
            }
            // a little pacing keeps the files small while the test decides when to kill
            Thread.sleep(1);
        }
        System.exit(3);
    }

    private static void exitWhenParentGoesAway() {
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent never writes; read() returns -1 when it is gone
                }
            } catch (IOException ignored) {
                // same: the parent is gone
            }
            Runtime.getRuntime().halt(4);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /**
     * In the test: starts {@code main} (which calls {@link #writeUntilKilled}) in a JVM like this one
     * (same java and class path, Arrow's {@code --add-opens}), kills it {@code delayMs} after its
     * {@code flushes}-th flush and returns the rows per stream of the last flush it reported before
     * it died. The child's stderr goes to {@code dir/child.err} and into every failure message.
     *
     * @param trial what this run is (seed, settings), the start of every failure message
     */
    public static Map<String, Long> runAndKill(Path dir, Class<?> main, List<String> args, int flushes, int delayMs,
            String trial) throws Exception {
        Path stderr = dir.resolve("child.err");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        Process child = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = readLines(child, lines);
        List<String> seen = new ArrayList<>();
        try {
            for (int n = 0; n < flushes; ) {
                // generous: a child that compiles and flushes on a busy 2-core machine
                String line = lines.poll(120, TimeUnit.SECONDS);
                assertNotNull(line, trial + ": the child printed nothing for 120 s; stderr: " + Files.readString(stderr));
                assertFalse(line.equals(EOF), trial + ": the child died by itself; stderr: " + Files.readString(stderr));
                seen.add(line);
                n += line.startsWith(FLUSHED) ? 1 : 0;
            }
            Thread.sleep(delayMs);
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), trial + ": the child outlived SIGKILL");
        }
        assertEquals(KILLED, child.exitValue(), trial + ": the child was killed, it did not exit; stderr: "
                + Files.readString(stderr));
        // lines the child printed between our last read and its death count too
        reader.join(TimeUnit.SECONDS.toMillis(60));
        lines.drainTo(seen);
        String last = null;
        for (String line : seen) {
            last = line.startsWith(FLUSHED) ? line : last;
        }
        return rows(last);
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
    private static Map<String, Long> rows(String flushedLine) {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String pair : flushedLine.substring(FLUSHED.length()).trim().split(" ")) {
            String[] kv = pair.split("=");
            rows.put(kv[0], Long.parseLong(kv[1]));
        }
        return rows;
    }
}
