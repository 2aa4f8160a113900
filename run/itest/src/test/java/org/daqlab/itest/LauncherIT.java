package org.daqlab.itest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's main command, run as a user runs it: {@code run/daqlab --duration … --output …}. */
class LauncherIT {

    private static final Path LAUNCHER = Path.of("..", "daqlab").toAbsolutePath().normalize();
    private static final Pattern FILE_LINE = Pattern.compile("^\\s+(\\S+\\.csv)\\s+rows=(\\d+)\\s+bytes=(\\d+)$", Pattern.MULTILINE);

    @Test
    void timedAcquisitionWritesCsvForEveryInstrumentAndASummaryThatMatchesTheFiles(@TempDir Path work) throws Exception {
        Path out = work.resolve("out");
        Result r = run(work, "--duration", "6", "--output", out.toString());
        assertEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("records lost 0"), r.output);

        Map<String, Long> summaryRows = new TreeMap<>();
        Matcher m = FILE_LINE.matcher(r.output);
        while (m.find()) {
            summaryRows.put(m.group(1), Long.parseLong(m.group(2)));
            assertEquals(Long.parseLong(m.group(3)), Files.size(Path.of(m.group(1))), "bytes of " + m.group(1));
        }
        for (String stream : List.of("power_meter_01", "adc0", "camera0")) {
            assertTrue(summaryRows.keySet().stream().anyMatch(p -> p.contains(stream)), stream + " in " + r.output);
        }
        try (Stream<Path> files = Files.list(out)) {
            List<Path> csvs = files.filter(p -> p.toString().endsWith(".csv")).toList();
            assertEquals(3, csvs.size(), csvs.toString());
            for (Path csv : csvs) {
                long dataRows = Support.readCsv(csv).size() - 1;
                assertEquals(summaryRows.get(csv.toString()), dataRows, "rows of " + csv);
                assertTrue(dataRows > 0, csv + " has rows");
            }
        }
        try (Stream<Path> files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".part")), "no temporary files left");
        }
    }

    @Test
    void anUnknownWriterNameIsRejectedWithTheInstalledOnes(@TempDir Path work) throws Exception {
        Result r = run(work, "--duration", "2", "--output", work.resolve("out").toString(), "--writers", "nosuch");
        assertEquals(2, r.exitCode, r.output);
        assertTrue(r.output.contains("unknown writer [nosuch]"), r.output);
        assertTrue(r.output.contains("csv"), "names the installed writers: " + r.output);
    }

    @Test
    void aBadDurationIsRejectedBeforeStarting(@TempDir Path work) throws Exception {
        Result r = run(work, "--duration", "soon");
        assertEquals(2, r.exitCode, r.output);
        assertTrue(r.output.contains("--duration 'soon' is not a positive number of seconds"), r.output);
    }

    @Test
    void sigtermStopsThePlatformAfterEveryWriterClosedItsFiles(@TempDir Path work) throws Exception {
        Process p = new ProcessBuilder("bash", LAUNCHER.toString(), "--headless").directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(work.resolve("log.txt").toFile()).start();
        Path data = work.resolve("data");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!hasFile(data, ".csv.part")) {
            assertTrue(System.nanoTime() < deadline && p.isAlive(), "continuous run never started: " + Files.readString(work.resolve("log.txt")));
            TimeUnit.MILLISECONDS.sleep(200);
        }
        TimeUnit.SECONDS.sleep(2);
        p.toHandle().descendants().forEach(ProcessHandle::destroy); // SIGTERM to the JVM, as a service manager sends
        p.destroy();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the platform did not stop");
        String log = Files.readString(work.resolve("log.txt"));
        assertTrue(!hasFile(data, ".part"), "files left under temporary names: " + log);
        try (Stream<Path> files = Files.list(data)) {
            List<Path> csvs = files.filter(f -> f.toString().endsWith(".csv")).toList();
            assertEquals(3, csvs.size(), log);
            for (Path csv : csvs) {
                assertTrue(Support.readCsv(csv).size() > 1, csv + " has rows");
            }
        }
    }

    private static boolean hasFile(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(suffix));
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(Path cwd, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("bash", LAUNCHER.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("launcher did not finish: " + new String(out, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
