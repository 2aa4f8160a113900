package org.daqlab.itest;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 8, process crash: the real platform ({@code run/daqlab --headless}) with every writer active
 * (an admin's configurations in the deploy folder: six writer instances, each flushing every second
 * and rotating every 3 s, so that kills also land while segments close and commit), the three
 * simulated instruments streaming, is killed with SIGKILL twice, at different moments after an
 * acknowledged {@code daq:flush} typed into its shell; each restart on the same output directory
 * recovers the previous run's leftovers, and the third start is stopped cleanly.
 *
 * <p>Then: nothing in the output directory has a temporary name ({@code .part}, journals, locks,
 * commit records, replacements under way), and every file opens in an independent reader (h5py,
 * apache-arrow, hyparquet, zarrita, tifffile, Python's csv). Per run, per stream and per format, the
 * rows (segments in order) are strictly increasing in time without a missing sample (the simulated
 * instruments' sample clocks; frame numbers for the camera), every format holds a contiguous slice of
 * the same sequence, and for a killed run that slice reaches past every row published before the
 * flush: the guarantee is that a flushed row is there exactly once and in order; rows after the last
 * flush may or may not be, but what is there is gapless.
 */
class ProcessCrashIT {

    private static final Path ROOT = Launcher.ROOT;
    private static final Path ARROW_READER = ROOT.resolve("bundles/org.daqlab.writer.arrow/src/test/node");
    private static final Path PARQUET_READER = ROOT.resolve("bundles/org.daqlab.writer.parquet/src/test/node");
    private static final Path ZARR_READER = ROOT.resolve("bundles/org.daqlab.writer.zarr/src/test/node");
    private static final Path TIFF_READER = ROOT.resolve("bundles/org.daqlab.writer.tiff/src/test/python/read_tiff.py");
    private static final Path H5_READER = ROOT.resolve("run/itest/src/test/python/h5_sequences.py");

    private static final List<String> FORMATS = List.of("hdf5", "arrow", "parquet", "csv", "zarr", "tiff");
    private static final List<String> STREAMS = List.of("power_meter_01", "adc0", "camera0");
    /** Sample periods of the simulated instruments' default configuration (sim.json): 10 Hz, 10 kHz. */
    private static final Map<String, Long> PERIOD_NS = Map.of("power_meter_01", 100_000_000L, "adc0", 100_000L);
    /**
     * A row timestamped this long before the flush command was published before it: an ADC batch
     * spans 0.1 s and is published when complete; the rest is scheduling on a loaded machine.
     */
    private static final long PUBLISH_MARGIN_NS = TimeUnit.SECONDS.toNanos(2);
    private static final Map<String, String> EXTENSION = Map.of("hdf5", "h5", "arrow", "arrows", "parquet", "parquet",
            "csv", "csv", "zarr", "zarr", "tiff", "tif");
    /** {@code daqlab_2026-01-25_14-32-45_v3_adc0_0002.csv}: run, stream (none for multi-stream files), segment, extension. */
    private static final Pattern OUTPUT = Pattern.compile(
            "(daqlab_\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2})_v\\d+(?:_(power_meter_01|adc0|camera0))?_(\\d{4})\\.(h5|arrows|parquet|csv|zarr|tif)");
    /** Names that only exist while something is being written, or that a crash leaves. */
    private static final Pattern TEMPORARY = Pattern.compile(".*(\\.part|\\.journal|\\.lock|\\.commit|\\.next|\\.tmp)(\\..*)?");
    private static final Pattern RUN = Pattern.compile("^(daqlab_\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2})_v\\d+");

    /** A killed run: its name prefix and when (ns since the epoch) the flush before the kill was typed. */
    private record Kill(String run, long flushTypedNs, List<String> leftovers) {
    }

    @Test
    void killDashNineMidRunTwiceThenRecoveryLeavesValidFilesWithEveryFlushedRowOnceInOrder() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "process-crash", Long.toString(System.currentTimeMillis()))
                .toAbsolutePath());
        Path data = work.resolve("data");
        Path deploy = Files.createDirectories(work.resolve("deploy"));
        for (String format : FORMATS) {
            // as an admin configures a writer instance: a .cfg in the watched folder (README, Configuration)
            Files.writeString(deploy.resolve("org.daqlab.writer." + format + "-crash.cfg"),
                    "name=crash-" + format + "\nauto_flush_interval_secs=1\nrotation_duration_secs=3\n");
        }
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        String trial = "seed " + seed + ", work " + work;

        List<Kill> kills = new ArrayList<>();
        for (int start = 1; start <= 2; start++) {
            Set<String> earlier = runs(data);
            try (Platform platform = Platform.start(work, start)) {
                String run = platform.awaitNewRun(data, earlier);
                awaitRecovered(data, earlier, platform, trial);
                TimeUnit.MILLISECONDS.sleep(3000 + random.nextInt(4000));
                long typed = nowNs();
                platform.flush();
                // the first kill lands anywhere in the next 2.5 s; the second right after the acknowledgement
                TimeUnit.MILLISECONDS.sleep(start == 1 ? random.nextInt(2500) : 0);
                platform.kill();
                List<String> leftovers = temporaryNames(data);
                assertFalse(leftovers.isEmpty(), trial + ": the kill left nothing to recover, so this test proved nothing");
                kills.add(new Kill(run, typed, leftovers));
                System.out.println(trial + ": kill " + start + " left " + leftovers.size() + " temporary names: " + leftovers);
            }
        }
        Set<String> earlier = runs(data);
        String lastRun;
        long lastFlushTyped;
        try (Platform platform = Platform.start(work, 3)) {
            lastRun = platform.awaitNewRun(data, earlier);
            awaitRecovered(data, earlier, platform, trial);
            TimeUnit.SECONDS.sleep(4);
            lastFlushTyped = nowNs();
            platform.flush();
            int status = platform.stop();
            assertTrue(status == 0 || status == 143, trial + ": SIGTERM stops the platform (exit status 0 or 128 + 15, not "
                    + status + "): " + platform.log());
        }

        List<String> left = temporaryNames(data);
        assertEquals(List.of(), left, trial + ": nothing keeps a temporary name after recovery and a clean stop; leftovers "
                + "at the kills were " + kills);

        Map<String, Map<String, Map<String, Sequence>>> read = readAll(data, work);
        assertEquals(new TreeSet<>(List.of(kills.get(0).run, kills.get(1).run, lastRun)), read.keySet(), trial + ": runs");
        for (Kill kill : kills) {
            assertGaplessSlices(read.get(kill.run), kill.run, trial);
            assertReachesTheFlush(read.get(kill.run), kill.run, kill.flushTypedNs, trial);
        }
        // the cleanly stopped run: every writer drains up to its own stop, so the formats may end a batch or two
        // apart, but all of them hold every row published before the last flush
        assertGaplessSlices(read.get(lastRun), lastRun, trial);
        assertReachesTheFlush(read.get(lastRun), lastRun, lastFlushTyped, trial);
    }

    /** Every format's rows of every stream reach past the rows published before the flush typed at {@code flushTypedNs}. */
    private static void assertReachesTheFlush(Map<String, Map<String, Sequence>> run, String name, long flushTypedNs, String trial) {
        for (Map.Entry<String, Map<String, Sequence>> stream : run.entrySet()) {
            for (Map.Entry<String, Sequence> format : stream.getValue().entrySet()) {
                List<Long> ts = format.getValue().timestamps;
                long last = ts.isEmpty() ? Long.MIN_VALUE : ts.get(ts.size() - 1);
                assertTrue(last >= flushTypedNs - PUBLISH_MARGIN_NS, trial + ": run " + name + ", " + stream.getKey()
                        + " in " + format.getKey() + " ends at " + Instant.ofEpochSecond(0, last) + ", before rows flushed at "
                        + Instant.ofEpochSecond(0, flushTypedNs) + " (" + ts.size() + " rows)");
            }
        }
    }

    /** The rows of one stream in one format, segments in order. */
    private static final class Sequence {
        final List<Long> timestamps = new ArrayList<>();
        final List<Long> frames = new ArrayList<>();
    }

    /**
     * Every stream in every format: strictly increasing timestamps with no missing sample (frame
     * numbers one apart for the camera), each format a contiguous slice of the rows all formats hold
     * together, which are gapless too. A slice, not a prefix: at the platform's start the continuous
     * run begins before every writer bundle is active, and a writer joins the run with its own ring
     * cursor when it comes, so the formats start a few rows apart; the end is what the crash decides.
     */
    private static void assertGaplessSlices(Map<String, Map<String, Sequence>> run, String name, String trial) {
        for (String stream : STREAMS) {
            Map<String, Sequence> formats = run.get(stream);
            assertNotNull(formats, trial + ": run " + name + " has no " + stream);
            Set<String> expected = new TreeSet<>(FORMATS);
            if (!stream.equals("camera0")) {
                expected.remove("tiff");
            }
            assertEquals(expected, formats.keySet(), trial + ": formats holding " + stream + " of run " + name);
            TreeSet<Long> union = new TreeSet<>();
            formats.values().forEach(s -> union.addAll(s.timestamps));
            assertFalse(union.isEmpty(), trial + ": run " + name + " has rows of " + stream);
            List<Long> all = new ArrayList<>(union);
            assertGapless(all, stream, trial + ": run " + name + ", " + stream + " in all formats together");
            for (Map.Entry<String, Sequence> format : formats.entrySet()) {
                String what = trial + ": run " + name + ", " + stream + " in " + format.getKey();
                List<Long> ts = format.getValue().timestamps;
                assertFalse(ts.isEmpty(), what + ": no rows");
                for (int i = 1; i < ts.size(); i++) {
                    assertTrue(ts.get(i) > ts.get(i - 1), what + ": row " + i + " is not after row " + (i - 1)
                            + " (a duplicate or out of order)");
                }
                int first = all.indexOf(ts.get(0));
                assertEquals(all.subList(first, first + ts.size()), ts, what + ": a contiguous slice of the stream's rows");
                List<Long> frames = format.getValue().frames;
                if (stream.equals("camera0")) {
                    assertEquals(ts.size(), frames.size(), what + ": a frame number per row");
                    for (int i = 1; i < frames.size(); i++) {
                        assertEquals(frames.get(i - 1) + 1, frames.get(i), what + ": frame after frame " + frames.get(i - 1));
                    }
                }
            }
        }
    }

    /** No sample missing between consecutive timestamps (the simulated instruments' sample periods). */
    private static void assertGapless(List<Long> ts, String stream, String what) {
        Long period = PERIOD_NS.get(stream);
        for (int i = 1; period != null && i < ts.size(); i++) {
            long step = ts.get(i) - ts.get(i - 1);
            if (Math.abs(step - period) > period / 10) {
                fail(what + ": " + step + " ns between rows " + (i - 1) + " and " + i + ", the period is " + period + " ns (a gap)");
            }
        }
    }

    /** run → stream → format → rows, read by the independent readers. */
    private static Map<String, Map<String, Map<String, Sequence>>> readAll(Path data, Path work) throws Exception {
        Map<String, Map<String, Map<String, Sequence>>> runs = new TreeMap<>();
        // files by format, in name order (segments in order within a run and stream)
        Map<String, List<Path>> byExtension = new TreeMap<>();
        try (Stream<Path> files = Files.list(data)) {
            for (Path f : files.sorted().toList()) {
                Matcher m = OUTPUT.matcher(f.getFileName().toString());
                if (m.matches()) {
                    byExtension.computeIfAbsent(m.group(4), k -> new ArrayList<>()).add(f);
                } else {
                    assertTrue(f.getFileName().toString().endsWith(".json"), "an unexpected file in the output: " + f);
                }
            }
        }
        for (Path csv : byExtension.getOrDefault("csv", List.of())) {
            List<List<String>> rows = Support.readCsv(csv);
            int ts = rows.get(0).indexOf("timestamp_ns");
            int frame = rows.get(0).indexOf("frame_number");
            Sequence s = sequence(runs, csv, null, "csv");
            for (List<String> row : rows.subList(1, rows.size())) {
                s.timestamps.add(Long.parseLong(row.get(ts)));
                if (frame >= 0) {
                    s.frames.add(Long.parseLong(row.get(frame)));
                }
            }
        }
        readArrow(byExtension.getOrDefault("arrows", List.of()), work.resolve("arrow.json"), runs);
        for (Path parquet : byExtension.getOrDefault("parquet", List.of())) {
            Path json = work.resolve("parquet.json");
            Support.node(PARQUET_READER, "read-hyparquet.mjs", parquet.toString(), json.toString());
            Map<String, Object> columns = cast(Support.readJson(json).get("columns"));
            fill(sequence(runs, parquet, null, "parquet"), columns);
        }
        readZarr(byExtension.getOrDefault("zarr", List.of()), work.resolve("zarr.json"), runs);
        readTiff(byExtension.getOrDefault("tif", List.of()), work.resolve("tiff.json"), runs);
        readHdf5(byExtension.getOrDefault("h5", List.of()), work.resolve("h5.json"), runs);
        return runs;
    }

    private static void readArrow(List<Path> files, Path json, Map<String, Map<String, Map<String, Sequence>>> runs) throws Exception {
        List<Map<String, Object>> entries = readEach(files, json, "files", "apache-arrow",
                args -> Support.node(ARROW_READER, "read-arrow.mjs", args.toArray(String[]::new)));
        for (int i = 0; i < entries.size(); i++) {
            Map<String, Object> entry = entries.get(i);
            Sequence s = sequence(runs, files.get(i), null, "arrow");
            for (Map<String, Object> batch : ProcessCrashIT.<List<Map<String, Object>>>cast(entry.get("batches"))) {
                fill(s, cast(batch.get("columns")));
            }
        }
    }

    private static void readZarr(List<Path> stores, Path json, Map<String, Map<String, Map<String, Sequence>>> runs) throws Exception {
        List<Map<String, Object>> entries = readEach(stores, json, "stores", "zarrita",
                args -> Support.node(ZARR_READER, "read-zarr.mjs", args.toArray(String[]::new)));
        for (int i = 0; i < entries.size(); i++) {
            Map<String, Object> entry = entries.get(i);
            Map<String, Object> groups = cast(entry.get("groups"));
            for (Map.Entry<String, Object> group : groups.entrySet()) {
                Map<String, Object> arrays = cast(ProcessCrashIT.<Map<String, Object>>cast(group.getValue()).get("arrays"));
                Map<String, Object> columns = new LinkedHashMap<>();
                for (String column : List.of("timestamp_ns", "frame_number")) {
                    Map<String, Object> array = cast(arrays.get(column));
                    if (array == null) {
                        continue;
                    }
                    if (ProcessCrashIT.<List<Object>>cast(array.get("shape")).get(0).equals(0)) {
                        // a segment killed before its first flush recovers to arrays of length 0, valid Zarr that
                        // zarrita refuses to read ("Input contains an empty iterator"): no rows
                        continue;
                    }
                    assertNull(array.get("error"), stores.get(i) + ": " + group.getKey() + "/" + column + " read by zarrita");
                    columns.put(column, array.get("values"));
                }
                fill(sequence(runs, stores.get(i), group.getKey(), "zarr"), columns);
            }
        }
    }

    private static void readTiff(List<Path> files, Path json, Map<String, Map<String, Map<String, Sequence>>> runs) throws Exception {
        List<Map<String, Object>> entries = readEach(files, json, "files", "tifffile",
                args -> python(json, TIFF_READER, "--no-series-data", args));
        for (int i = 0; i < entries.size(); i++) {
            Map<String, Object> entry = entries.get(i);
            Sequence s = sequence(runs, files.get(i), null, "tiff");
            for (Map<String, Object> page : ProcessCrashIT.<List<Map<String, Object>>>cast(entry.get("page"))) {
                Map<String, Object> frame = cast(page.get("frame"));
                s.timestamps.add(Long.parseLong(String.valueOf(frame.get("timestamp_ns"))));
                s.frames.add(Long.parseLong(String.valueOf(frame.get("frame_number"))));
            }
        }
    }

    private static void readHdf5(List<Path> files, Path json, Map<String, Map<String, Map<String, Sequence>>> runs) throws Exception {
        List<Map<String, Object>> entries = readEach(files, json, "files", "h5py", args -> python(json, H5_READER, null, args));
        for (int i = 0; i < entries.size(); i++) {
            Map<String, Object> entry = entries.get(i);
            for (Map.Entry<String, Object> group : ProcessCrashIT.<Map<String, Object>>cast(entry.get("groups")).entrySet()) {
                fill(sequence(runs, files.get(i), group.getKey(), "hdf5"), cast(group.getValue()));
            }
        }
    }

    /** Runs a reader over files; its arguments are the JSON report's path and then the files. */
    private interface Reader {
        void run(List<String> args) throws Exception;
    }

    /**
     * Has {@code reader} read {@code files} into {@code json} (under {@code key}, an entry per file, in order) and
     * returns the entries, each checked to hold no error.
     */
    private static List<Map<String, Object>> readEach(List<Path> files, Path json, String key, String readerName,
            Reader reader) throws Exception {
        if (files.isEmpty()) {
            return List.of();
        }
        List<String> args = new ArrayList<>(List.of(json.toString()));
        files.forEach(f -> args.add(f.toString()));
        reader.run(args);
        List<Map<String, Object>> entries = cast(Support.readJson(json).get(key));
        for (int i = 0; i < files.size(); i++) {
            assertNull(entries.get(i).get("error"), files.get(i) + " read by " + readerName);
        }
        return entries;
    }

    /** Runs a Python checker: {@code script json [option] files…}. */
    private static void python(Path json, Path script, String option, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", script.toString(), args.get(0)));
        if (option != null) {
            command.add(option);
        }
        command.addAll(args.subList(1, args.size()));
        Launcher.Result r = Launcher.exec(json.getParent(), 300, command);
        assertEquals(0, r.exitCode(), r.output());
    }

    /** Appends a reader's {@code timestamp_ns} and {@code frame_number} columns (numbers or decimal text). */
    private static void fill(Sequence s, Map<String, Object> columns) {
        for (Object v : ProcessCrashIT.<List<Object>>cast(columns.getOrDefault("timestamp_ns", List.of()))) {
            s.timestamps.add(Long.parseLong(String.valueOf(v)));
        }
        for (Object v : ProcessCrashIT.<List<Object>>cast(columns.getOrDefault("frame_number", List.of()))) {
            s.frames.add(Long.parseLong(String.valueOf(v)));
        }
    }

    /** The sequence of {@code file}'s run, stream ({@code stream} for a multi-stream file) and format. */
    private static Sequence sequence(Map<String, Map<String, Map<String, Sequence>>> runs, Path file, String stream, String format) {
        Matcher m = OUTPUT.matcher(file.getFileName().toString());
        assertTrue(m.matches(), file.toString());
        String s = stream != null ? stream : m.group(2);
        return runs.computeIfAbsent(m.group(1), k -> new TreeMap<>()).computeIfAbsent(s, k -> new TreeMap<>())
                .computeIfAbsent(format, k -> new Sequence());
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
    }

    /** The runs (name prefixes) that have files in {@code data}. */
    private static Set<String> runs(Path data) throws IOException {
        Set<String> runs = new TreeSet<>();
        if (Files.isDirectory(data)) {
            try (Stream<Path> files = Files.list(data)) {
                files.forEach(f -> {
                    Matcher m = RUN.matcher(f.getFileName().toString());
                    if (m.find()) {
                        runs.add(m.group(1));
                    }
                });
            }
        }
        return runs;
    }

    /** Names under {@code data} (inside Zarr stores too) that are temporary; the platform may be renaming them meanwhile. */
    private static List<String> temporaryNames(Path data) throws IOException {
        List<String> names = new ArrayList<>();
        Files.walkFileTree(data, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                return visitFile(dir, attributes);
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (TEMPORARY.matcher(file.getFileName().toString()).matches()) {
                    names.add(data.relativize(file).toString());
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE; // renamed or deleted while we looked
            }
        });
        names.sort(null);
        return names;
    }

    /** Waits until nothing of the runs {@code earlier} has a temporary name: recovery is done. */
    private static void awaitRecovered(Path data, Set<String> earlier, Platform platform, String trial) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (true) {
            List<String> left = temporaryNames(data).stream().filter(n -> earlier.stream().anyMatch(n::startsWith)).toList();
            if (left.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail(trial + ": after 3 minutes these leftovers of earlier runs are still not recovered: " + left + "\n" + platform.log());
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    private static long nowNs() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /**
     * {@code run/daqlab --headless} with every crash writer, on a terminal ({@code script} gives it
     * one, so that its Gogo shell reads the commands the test types); output in {@code log-N.txt}.
     */
    private static final class Platform implements AutoCloseable {
        private static final Pattern FLUSHED = Pattern.compile("(?m)^flushed\\r?$");

        private final Process script;
        private final OutputStream terminal;
        private final Path log;

        private Platform(Process script, Path log) {
            this.script = script;
            this.terminal = script.getOutputStream();
            this.log = log;
        }

        static Platform start(Path work, int n) throws IOException {
            List<String> writers = FORMATS.stream().map(f -> "crash-" + f).toList();
            String command = "exec bash '" + Launcher.SCRIPT + "' --headless --writers " + String.join(",", writers)
                    + " --output data --deploy deploy --state state --ring '" + work.resolve("ring.dat") + "'";
            Path log = work.resolve("log-" + n + ".txt");
            Process p = new ProcessBuilder("script", "-qfec", command, "/dev/null").directory(work.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new Platform(p, log);
        }

        /** Waits for the files of a run not in {@code earlier}; returns its name prefix. */
        String awaitNewRun(Path data, Set<String> earlier) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline && script.isAlive()) {
                Set<String> now = runs(data);
                now.removeAll(earlier);
                if (!now.isEmpty()) {
                    return now.iterator().next();
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
            throw new AssertionError("the platform started no run within 120 s: " + log());
        }

        /** Types {@code daq:flush} and waits for its answer: every writer flushed what was published before. */
        void flush() throws Exception {
            long before = FLUSHED.matcher(log()).results().count();
            terminal.write("daq:flush\n".getBytes(StandardCharsets.UTF_8));
            terminal.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (FLUSHED.matcher(log()).results().count() == before) {
                if (System.nanoTime() > deadline || !script.isAlive()) {
                    throw new AssertionError("daq:flush was not answered within 120 s: " + log());
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }

        /** SIGKILL to the JVM: no shutdown hook, no close, no rename. */
        void kill() throws Exception {
            ProcessHandle jvm = jvm().orElseThrow(() -> new AssertionError("no JVM under " + script));
            assertTrue(jvm.destroyForcibly(), "SIGKILL sent");
            assertTrue(jvm.onExit().get(60, TimeUnit.SECONDS) != null && script.waitFor(60, TimeUnit.SECONDS),
                    "the platform outlived SIGKILL");
            assertEquals(137, script.exitValue(), "killed by signal 9: " + log());
        }

        /** SIGTERM to the JVM, as a service manager stops it; returns its exit status. */
        int stop() throws Exception {
            jvm().ifPresent(ProcessHandle::destroy);
            assertTrue(script.waitFor(3, TimeUnit.MINUTES), "the platform did not stop within 3 minutes: " + log());
            return script.exitValue();
        }

        private Optional<ProcessHandle> jvm() {
            return script.descendants().filter(h -> h.info().command().map(c -> c.endsWith("/java") || c.equals("java"))
                    .orElse(false)).findFirst();
        }

        String log() throws IOException {
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws Exception {
            if (script.isAlive()) {
                script.descendants().forEach(ProcessHandle::destroyForcibly);
                script.destroyForcibly();
                script.waitFor(60, TimeUnit.SECONDS);
            }
        }
    }
}
