package org.daqlab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Load and soak (issue 8): the real platform ({@code run/daqlab}, a separate process) with its three simulated
 * instruments at configured rates and all six writers, for a given time (default 30 minutes), sampled every few
 * seconds; then every file read back by independent readers and a report: records lost (must be zero), heap and RSS
 * bounded, throughput steady. Exit code 0 when all holds, 1 when a record was lost or a bound broken, 2 when the soak
 * could not run.
 *
 * <pre>
 * java -cp run/bench/target/benchmarks.jar org.daqlab.bench.Soak [soak] [--duration 1800] [options]
 * java --add-opens=java.base/java.nio=ALL-UNNAMED -cp run/bench/target/benchmarks.jar org.daqlab.bench.Soak search [options]
 * </pre>
 * The second form is the sustained-rate search ({@link RateSearch}). RESULTS.md §10 lists the options.
 *
 * <p>Why a separate process rather than the distribution inside this JVM: the heap, RSS, threads and open files
 * measured are then the platform's alone, stopping it is the SIGTERM a service manager sends, and the platform runs
 * with the launcher's own JVM flags, as a lab runs it. Why the default distribution rather than {@code --headless}: the
 * console's status JSON is the one view of the writers' statistics from outside the JVM; it costs a request every
 * few seconds (the console's live tap, a ring reader, runs only while its page is open, and nobody opens it here).
 */
public final class Soak {

    /** The six writer formats; each gets an instance {@code soak-<format>} with its own output directory. */
    static final List<String> FORMATS = List.of("hdf5", "arrow", "parquet", "csv", "zarr", "tiff");
    private static final String RUN_NAME = "soak";

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 && !args[0].startsWith("--") ? args[0] : "soak";
        Map<String, String> options = WriteRounds.options(args.length > 0 && !args[0].startsWith("--")
                ? java.util.Arrays.copyOfRange(args, 1, args.length) : args);
        int exit;
        try {
            exit = switch (mode) {
                case "soak" -> soak(options, String.join(" ", args), System.out);
                case "search" -> RateSearch.run(options, System.out);
                default -> throw new IllegalArgumentException("mode '" + mode + "' is neither soak nor search");
            };
        } catch (IllegalArgumentException e) {
            System.err.println("soak: " + e.getMessage());
            exit = 2;
        } catch (IllegalStateException | IOException e) {
            System.err.println("soak: could not run: " + e.getMessage());
            exit = 2;
        } catch (java.util.concurrent.ExecutionException e) {
            System.err.println("soak: could not read the files back: " + e.getCause());
            exit = 2;
        }
        System.exit(exit);
    }

    /** The soak; returns the exit code. */
    static int soak(Map<String, String> options, String arguments, PrintStream out) throws Exception {
        Path root = Path.of(options.getOrDefault("root", ".")).toAbsolutePath().normalize();
        Path work = prepare(Path.of(options.getOrDefault("work", "run/bench/target/soak")).toAbsolutePath());
        double duration = Double.parseDouble(options.getOrDefault("duration", "1800"));
        double sampleSeconds = Double.parseDouble(options.getOrDefault("sample-secs", "5"));
        int rotate = Integer.parseInt(options.getOrDefault("rotate-secs", "60"));
        boolean delete = Boolean.parseBoolean(options.getOrDefault("delete-checked", "true"));
        double fullGcSeconds = Double.parseDouble(options.getOrDefault("full-gc-secs", "60"));
        SoakLoad load = baseLoad(options).with(options);
        SoakReport.Bounds bounds = new SoakReport.Bounds(
                Double.parseDouble(options.getOrDefault("warmup-secs", "120")),
                Double.parseDouble(options.getOrDefault("heap-growth", "0.5")),
                Double.parseDouble(options.getOrDefault("rss-growth", "0.25")),
                Long.parseLong(options.getOrDefault("slack-mb", "64")) << 20,
                Integer.parseInt(options.getOrDefault("thread-slack", "8")),
                Integer.parseInt(options.getOrDefault("file-slack", "32")),
                Double.parseDouble(options.getOrDefault("window-secs", "60")),
                Double.parseDouble(options.getOrDefault("max-cv", "0.2")));

        out.printf(Locale.ROOT, "soak: %s for %.0f s, writers %s, files rotated every %d s%s; work dir %s%n", load.describe(),
                duration, FORMATS, rotate, delete ? " and deleted once read back" : "", work);
        out.println("soak: machine load at the start: " + BenchMain.machineLoad());
        Map<String, Path> dirs = configure(work, load, rotate);
        try (SoakPlatform platform = SoakPlatform.start(root, work, instances(), options.getOrDefault("java-opts", ""))) {
            JsonNode status = awaitReady(platform, load);
            long pid = SoakSample.pid(status);
            List<String> streams = new ArrayList<>();
            Map<String, Set<String>> expected = expectedStreams(status, streams);
            SoakFiles files = new SoakFiles(root, work.resolve("readers"), streams);

            platform.startRun(RUN_NAME, Map.of("purpose", "soak", "load", load.describe()));
            long t0 = System.nanoTime();
            List<SoakSample> samples = new ArrayList<>();
            Path csv = work.resolve("samples.csv");
            Files.writeString(csv, "seconds,input_mb,ring_fill,max_lag_bytes,writers_lost,ring_lost,heap_used,heap_committed,"
                    + "direct_bytes,rss_bytes,rss_anon_bytes,threads,open_files\n");
            ExecutorService checker = Executors.newSingleThreadExecutor(r -> new Thread(r, "soak-file-check"));
            Future<?> check = null;
            try {
                long fullGcs = 0;
                for (long k = 0; ; k++) {
                    double due = k * sampleSeconds;
                    sleepUntil(t0, Math.min(due, duration));
                    if (fullGcSeconds > 0 && due >= (fullGcs + 1) * fullGcSeconds) {
                        fullGc(pid);
                        fullGcs++;
                    }
                    SoakSample sample = sample(platform, t0);
                    samples.add(sample);
                    record(csv, sample);
                    if (k % Math.max(1, Math.round(60 / sampleSeconds)) == 0 || due >= duration) {
                        progress(out, sample, samples.get(0));
                    }
                    if (check != null && check.isDone()) {
                        check.get(); // a reader that could not run ends the soak
                    }
                    if (rotate > 0 && (check == null || check.isDone())) {
                        check = checker.submit(() -> {
                            files.countCompleted(dirs, RUN_NAME + "_", delete);
                            return null;
                        });
                    }
                    if (due >= duration) {
                        break;
                    }
                }
                Map<String, Long> published = platform.stopRun();
                SoakSample last = awaitClosed(platform, t0, out);
                if (check != null) {
                    check.get();
                }
                files.countCompleted(dirs, RUN_NAME + "_", delete);
                int exit = platform.stop();
                List<String> problems = new ArrayList<>(files.errors());
                problems.addAll(leftovers(dirs));
                out.println("soak: machine load at the end: " + BenchMain.machineLoad());
                SoakReport report = new SoakReport(load, bounds, samples, published, files.rows(), expected, problems,
                        files.filesCounted(), files.bytesCounted(), last, exit);
                write(work, options, report, arguments, out);
                return report.passed() ? 0 : 1;
            } finally {
                checker.shutdownNow();
            }
        }
    }

    /** The load before the command line's overrides: half of a search's result ({@code --load-from}), else the default. */
    static SoakLoad baseLoad(Map<String, String> options) throws IOException {
        String from = options.get("load-from");
        if (from == null) {
            return SoakLoad.SOAK_DEFAULT;
        }
        double factor = SoakPlatform.JSON.readTree(Path.of(from).toFile()).path("highest_held_factor").asDouble(0);
        if (factor <= 0) {
            throw new IllegalArgumentException(from + " holds no highest_held_factor: run the search to its end first");
        }
        return SoakLoad.DISTRIBUTION.scaled(factor / 2);
    }

    /** Empties the work directory's parts from an earlier soak (never anything else). */
    static Path prepare(Path work) throws IOException {
        for (String part : List.of("out", "data", "state", "deploy", "readers", "raw")) {
            Path p = work.resolve(part);
            if (Files.exists(p)) {
                try (Stream<Path> tree = Files.walk(p)) {
                    for (Path f : tree.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(f);
                    }
                }
            }
        }
        Files.createDirectories(work.resolve("deploy"));
        return work;
    }

    /** The writer instances' names, for {@code --writers}. */
    static List<String> instances() {
        return FORMATS.stream().map(f -> "soak-" + f).toList();
    }

    /**
     * Writes the instruments' and the six writers' configurations into the deploy folder.
     *
     * @return each writer instance's output directory
     */
    static Map<String, Path> configure(Path work, SoakLoad load, int rotateSeconds) throws IOException {
        Path deploy = work.resolve("deploy");
        load.writeConfigs(deploy);
        Map<String, Path> dirs = new TreeMap<>();
        for (String format : FORMATS) {
            Path dir = Files.createDirectories(work.resolve("out").resolve(format));
            SoakLoad.write(deploy, "org.daqlab.writer." + format + "-soak.cfg", "name=soak-" + format + "\noutput_dir=" + dir
                    + "\nrotation_duration_secs=" + rotateSeconds + "\n");
            dirs.put("soak-" + format, dir);
        }
        return dirs;
    }

    /**
     * Waits until the six writers are registered, stops the continuous run that started at boot (its files are not
     * the soak's) and waits until every instrument publishes at 90% of its configured rate or more.
     */
    static JsonNode awaitReady(SoakPlatform platform, SoakLoad load) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        JsonNode status = platform.status();
        while (!writersPresent(status) || status.path("instruments").size() < 3) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the writers " + instances() + " and three instruments did not appear within 120 s: "
                        + status.path("writers").findValuesAsText("name") + "; see " + platform.log());
            }
            TimeUnit.SECONDS.sleep(1);
            status = platform.status();
        }
        if (status.path("run").path("active").asBoolean()) {
            platform.stopRun();
        }
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            status = platform.status();
            List<String> slow = new ArrayList<>();
            for (JsonNode instrument : status.path("instruments")) {
                double want = load.rowsPerSecond().getOrDefault(instrument.path("id").asText(), 0.0);
                double have = instrument.path("rows_per_second").asDouble();
                if (have < 0.9 * want) {
                    slow.add(String.format(Locale.ROOT, "%s %.1f of %.1f rows/s", instrument.path("id").asText(), have, want));
                }
            }
            boolean closed = true;
            for (JsonNode w : status.path("writers")) {
                closed &= w.path("current_files").isEmpty();
            }
            if (slow.isEmpty() && closed) {
                return status;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the instruments did not reach the load within 90 s (" + slow
                        + ") or the boot's run did not close: see " + platform.log());
            }
            TimeUnit.SECONDS.sleep(1);
        }
    }

    private static boolean writersPresent(JsonNode status) {
        Set<String> names = new TreeSet<>(status.path("writers").findValuesAsText("name"));
        return names.containsAll(instances());
    }

    /**
     * The streams every writer must hold, from the instruments in the status: all of them, except that the TIFF
     * writer writes only the streams of cameras (frames).
     */
    static Map<String, Set<String>> expectedStreams(JsonNode status, List<String> streams) {
        Set<String> all = new TreeSet<>();
        Set<String> frames = new TreeSet<>();
        for (JsonNode instrument : status.path("instruments")) {
            for (JsonNode stream : instrument.path("streams")) {
                all.add(stream.asText());
                if ("camera".equals(instrument.path("kind").asText())) {
                    frames.add(stream.asText());
                }
            }
        }
        streams.addAll(all);
        Map<String, Set<String>> expected = new TreeMap<>();
        for (String format : FORMATS) {
            expected.put("soak-" + format, format.equals("tiff") ? frames : all);
        }
        return expected;
    }

    /**
     * Has the platform collect its whole heap (jcmd GC.run), so that the next sample's heap is the live set and its
     * direct buffers those still referenced: without it the floor of G1's young collections also holds old garbage,
     * which a large heap collects rarely, and cannot tell a leak from that.
     */
    static void fullGc(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(jcmd + " " + pid + " GC.run failed (" + output.strip()
                    + "): a full GC before sampling needs the JDK's jcmd; --full-gc-secs 0 turns it off");
        }
    }

    static SoakSample sample(SoakPlatform platform, long t0) throws IOException, InterruptedException {
        JsonNode status = platform.status();
        return SoakSample.of(status, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Waits after the run's stop until every writer has drained the ring and closed its files.
     *
     * @return the sample taken then
     */
    static SoakSample awaitClosed(SoakPlatform platform, long t0, PrintStream out) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (true) {
            JsonNode status = platform.status();
            boolean closed = true;
            for (JsonNode w : status.path("writers")) {
                closed &= w.path("current_files").isEmpty();
            }
            if (closed) {
                SoakSample last = SoakSample.of(status, (System.nanoTime() - t0) / 1e9);
                out.printf(Locale.ROOT, "soak: every writer closed its files %.1f s after the start%n", last.seconds());
                return last;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("writers still had files open 10 minutes after the run stopped: see " + platform.log());
            }
            TimeUnit.SECONDS.sleep(1);
        }
    }

    /** Files left under temporary names after every writer closed its files. */
    static List<String> leftovers(Map<String, Path> dirs) throws IOException {
        List<String> left = new ArrayList<>();
        for (Path dir : dirs.values()) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.getFileName().toString().endsWith(".part"))
                        .forEach(f -> left.add(f + " is left under its temporary name"));
            }
        }
        return left;
    }

    private static void sleepUntil(long t0, double seconds) throws InterruptedException {
        long wait = t0 + (long) (seconds * 1e9) - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private static void record(Path csv, SoakSample s) throws IOException {
        Files.writeString(csv, String.format(Locale.ROOT, "%.1f,%.3f,%.4f,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d%n", s.seconds(), s.ringBytes() / 1e6,
                s.ringFill(), s.maxLag(), s.writersLost(), s.ringLost(), s.heapUsed(), s.heapCommitted(), s.directBytes(),
                s.rssBytes(), s.anonBytes(), s.threads(), s.openFiles()), java.nio.file.StandardOpenOption.APPEND);
    }

    private static void progress(PrintStream out, SoakSample s, SoakSample first) {
        double mbps = s.seconds() <= first.seconds() ? 0 : (s.ringBytes() - first.ringBytes()) / 1e6 / (s.seconds() - first.seconds());
        out.printf(Locale.ROOT, "soak: %6.0f s  input %.1f MB/s  ring fill %.0f%%  largest lag %.1f MB  lost %d+%d  heap %.0f/%.0f MB"
                        + "  RSS %.0f MB (anonymous %.0f)  threads %d  fds %d%n", s.seconds(), mbps, 100 * s.ringFill(), s.maxLag() / 1e6,
                s.writersLost(), s.ringLost(), s.heapUsed() / 1e6, s.heapCommitted() / 1e6, s.rssBytes() / 1e6, s.anonBytes() / 1e6,
                s.threads(), s.openFiles());
    }

    private static void write(Path work, Map<String, String> options, SoakReport report, String arguments, PrintStream out)
            throws IOException {
        String markdown = "Command: `java -cp run/bench/target/benchmarks.jar " + Soak.class.getName() + " " + arguments + "`\n\n"
                + report.markdown();
        Files.writeString(work.resolve("report.md"), markdown, StandardCharsets.UTF_8);
        Map<String, Object> json = new LinkedHashMap<>(report.json());
        json.put("passed", report.passed());
        Path file = Path.of(options.getOrDefault("report", work.resolve("report.json").toString()));
        SoakPlatform.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
        out.println();
        out.println(markdown);
        out.println("soak: report in " + work.resolve("report.md") + " and " + file + "; samples in " + work.resolve("samples.csv"));
    }
}
