package org.daqlab.itest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the README's launcher, {@code run/daqlab}, and other programs as a user runs them from a
 * shell: as separate processes, judged by exit code, output and the files they leave.
 */
final class Launcher {

    /** The repository's root (the tests run in {@code run/itest}). */
    static final Path ROOT = Path.of("..", "..").toAbsolutePath().normalize();
    static final Path SCRIPT = ROOT.resolve("run/daqlab");

    private Launcher() {
    }

    /** A finished program: its exit code and its stdout and stderr, interleaved. */
    record Result(int exitCode, String output) {
    }

    /** Runs {@code run/daqlab args} in {@code cwd} until it exits (at most 3 minutes). */
    static Result run(Path cwd, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        return exec(cwd, TimeUnit.MINUTES.toSeconds(3), command);
    }

    /** Runs {@code command} in {@code cwd}; fails the test if it does not exit within {@code timeoutSeconds}. */
    static Result exec(Path cwd, long timeoutSeconds, List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("daqlab-itest", ".out");
        try {
            // Output goes to a file, not a pipe: reading a pipe would block past the timeout.
            Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish within " + timeoutSeconds + " s: "
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.delete(output);
        }
    }

    /**
     * Starts the platform, {@code run/daqlab --headless args}, in {@code cwd} with its output in
     * {@code cwd/log.txt}, and returns once the continuous run writes CSV files into {@code data}.
     */
    static Process startUntilDataFlows(Path cwd, Path data, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString(), "--headless"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(cwd.toFile())
                .redirectErrorStream(true).redirectOutput(cwd.resolve("log.txt").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!hasFile(data, ".csv.part")) {
            if (System.nanoTime() > deadline || !p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("continuous run never started: " + Files.readString(cwd.resolve("log.txt")));
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return p;
    }

    /**
     * Sends SIGTERM to the platform, as a service manager does, and waits until it has stopped.
     *
     * @return its exit code
     */
    static int stop(Process platform) throws InterruptedException {
        platform.toHandle().descendants().forEach(ProcessHandle::destroy); // SIGTERM to the JVM
        platform.destroy();
        assertTrue(platform.waitFor(2, TimeUnit.MINUTES), "the platform did not stop");
        return platform.exitValue();
    }

    static boolean hasFile(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(suffix));
        }
    }
}
