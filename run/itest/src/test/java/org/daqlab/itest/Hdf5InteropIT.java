package org.daqlab.itest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HDF5 writer's files, written by the real platform ({@code run/daqlab}), read by readers it does
 * not share: h5py (with numpy) and h5dump, through {@code src/test/python/check_h5.py}, which checks
 * every group, dataset and attribute against the writer's FORMAT.md; LZ4-compressed files through
 * Debian's filter plugin (HDF5 filter 32004), which libhdf5 finds in its default plugin directory.
 */
class Hdf5InteropIT {

    private static final Path CHECKER_DIR = Path.of("src", "test", "python").toAbsolutePath();
    private static final String PYTHON = "/usr/bin/python3";
    static final List<String> STREAMS = List.of("power_meter_01", "adc0", "camera0");
    /** The simulated camera's frames (features/sim: 256 × 256 at 16 bits). */
    private static final List<Integer> FRAME = List.of(256, 256);
    private static final String FRAME_DTYPE = "<u2";
    /** The writer's defaults (Hdf5WriterConfig): rows per chunk of a column, frames per chunk, deflate level. */
    private static final int DEFAULT_CHUNK_ROWS = 16384;
    private static final int DEFAULT_FRAMES_PER_CHUNK = 1;
    private static final int DEFAULT_DEFLATE_LEVEL = 1;
    /** HDF5 filter ids. */
    private static final int DEFLATE = 1;
    private static final int SHUFFLE = 2;
    private static final int LZ4 = 32004;
    /**
     * A second HDF5 writer, dropped into the deploy folder as a factory configuration: shuffle and
     * LZ4, and chunks other than the defaults, so that the file shows the configuration was applied.
     */
    private static final String LZ4_WRITER = "hdf5-lz4";
    private static final int LZ4_CHUNK_ROWS = 4096;
    private static final int LZ4_FRAMES_PER_CHUNK = 4;

    private static final Pattern PUBLISHED = Pattern.compile("^rows published per stream: \\{(.*)}$", Pattern.MULTILINE);
    private static final Pattern WRITER = Pattern.compile(
            "^writer (\\S+) \\(\\S+\\): \\S+, \\d+ batches, \\d+ rows, records lost (\\d+), not written (\\d+)$",
            Pattern.MULTILINE);
    private static final Pattern FILE = Pattern.compile("^\\s+(\\S+\\.h5)\\s+rows=(\\d+)\\s+bytes=(\\d+)$", Pattern.MULTILINE);

    @Test
    void hdf5FilesDeflateAndLz4CompressedHoldTheCsvWritersRowsValuesAndMetadata(@TempDir Path work) throws Exception {
        Path out = work.resolve("out");
        Path lz4Out = out.resolve("lz4");
        Path deploy = Files.createDirectory(work.resolve("deploy"));
        Files.writeString(deploy.resolve("org.daqlab.writer.hdf5-lz4.cfg"), String.join("\n",
                "name=" + LZ4_WRITER,
                "output_dir=" + lz4Out,
                "compression=lz4",
                "shuffle=true",
                "chunk_rows=" + LZ4_CHUNK_ROWS,
                "frames_per_chunk=" + LZ4_FRAMES_PER_CHUNK, ""));

        // Naming the LZ4 instance in --writers makes the timed run wait until FileInstall has created
        // it, so that it writes the whole run like the others.
        Launcher.Result run = Launcher.run(work, "--duration", "10", "--output", out.toString(),
                "--writers", "hdf5," + LZ4_WRITER + ",csv", "--deploy", deploy.toString(), "--ring", ring(work));
        Map<String, Long> published = assertWrittenWithoutLoss(run, Set.of("hdf5", LZ4_WRITER, "csv"));

        Map<String, Object> deflate = check(onlyFile(out, ".h5"), out, work.resolve("deflate.json"));
        Map<String, Object> lz4 = check(onlyFile(lz4Out, ".h5"), out, work.resolve("lz4.json"));
        for (Map<String, Object> report : List.of(deflate, lz4)) {
            assertHoldsEveryPublishedRow(report, published);
            assertEqualsTheCsvFiles(report, published);
        }
        assertStorage(deflate, DEFAULT_CHUNK_ROWS, DEFAULT_FRAMES_PER_CHUNK, List.of(SHUFFLE, DEFLATE));
        assertStorage(lz4, LZ4_CHUNK_ROWS, LZ4_FRAMES_PER_CHUNK, List.of(SHUFFLE, LZ4));
        assertDeflateLevel(deflate, DEFAULT_DEFLATE_LEVEL);
        assertH5pySeesLz4(lz4);
        assertSameValues(deflate, lz4);
    }

    /** The acceptance command: every published row of every stream is in the .h5 file. */
    @Test
    void theTimedAcquisitionWithTheHdf5WriterAloneLosesNothing(@TempDir Path work) throws Exception {
        Path out = work.resolve("out");
        Launcher.Result run = Launcher.run(work, "--duration", "10", "--output", out.toString(), "--writers", "hdf5",
                "--ring", ring(work));
        Map<String, Long> published = assertWrittenWithoutLoss(run, Set.of("hdf5"));
        assertHoldsEveryPublishedRow(check(onlyFile(out, ".h5"), null, work.resolve("report.json")), published);
    }

    @Test
    void theCheckersOwnTestsOfFilesMadeFromTheFormatPass(@TempDir Path work) throws Exception {
        Launcher.Result r = Launcher.exec(work, 120,
                List.of(PYTHON, "-B", "-m", "unittest", "discover", "-s", CHECKER_DIR.toString(), "-v"));
        assertEquals(0, r.exitCode(), r.output());
    }

    /**
     * The run succeeded and its summary shows that every writer asked for wrote, none lost a record
     * and each .h5 file's size and rows are its size on disk and the rows published.
     *
     * @return rows published per stream during the run
     */
    static Map<String, Long> assertWrittenWithoutLoss(Launcher.Result run, Set<String> writers) throws IOException {
        String output = run.output();
        assertEquals(0, run.exitCode(), output);
        assertTrue(output.contains("records lost 0\n"), output);
        Matcher w = WRITER.matcher(output);
        Set<String> written = new TreeSet<>();
        while (w.find()) {
            written.add(w.group(1));
            assertEquals("0", w.group(2), "records lost by writer " + w.group(1) + ": " + output);
            assertEquals("0", w.group(3), "records not written by writer " + w.group(1) + ": " + output);
        }
        assertEquals(writers, written, output);

        Matcher p = PUBLISHED.matcher(output);
        assertTrue(p.find(), output);
        Map<String, Long> published = new HashMap<>();
        for (String entry : p.group(1).split(", ")) {
            String[] kv = entry.split("=");
            published.put(kv[0], Long.parseLong(kv[1]));
        }
        assertEquals(Set.copyOf(STREAMS), published.keySet(), output);
        long rows = published.values().stream().mapToLong(Long::longValue).sum();
        Matcher f = FILE.matcher(output);
        while (f.find()) {
            assertEquals(Long.parseLong(f.group(3)), Files.size(Path.of(f.group(1))), "bytes of " + f.group(1));
            assertEquals(rows, Long.parseLong(f.group(2)), "rows of " + f.group(1) + " in the summary");
        }
        return published;
    }

    /**
     * Runs check_h5.py on {@code h5} (against the CSV files in {@code csvDir} unless null, and the
     * camera's test pattern) and returns its report once it found no departure from FORMAT.md.
     */
    static Map<String, Object> check(Path h5, Path csvDir, Path report) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON, "-B", CHECKER_DIR.resolve("check_h5.py").toString(),
                h5.toString(), "--test-pattern", "camera0", "--report", report.toString()));
        if (csvDir != null) {
            command.addAll(List.of("--csv-dir", csvDir.toString()));
        }
        Launcher.Result r = Launcher.exec(h5.getParent(), 300, command);
        assertTrue(Files.exists(report), "check_h5.py wrote no report on " + h5 + ": " + r.output());
        Map<String, Object> checked = Support.readJson(report);
        assertEquals(List.of(), checked.get("problems"), h5 + " departs from FORMAT.md or the CSV files");
        assertEquals(0, r.exitCode(), r.output());
        return checked;
    }

    /**
     * One group per stream holding all its published rows; the camera's frames are [n, H, W] with
     * consecutive frame numbers, each burnt into its frame's pixels, which follow the test pattern;
     * h5dump shows every group and dataset.
     */
    static void assertHoldsEveryPublishedRow(Map<String, Object> report, Map<String, Long> published) {
        Map<String, Object> groups = object(report, "groups");
        assertEquals(Set.copyOf(STREAMS), groups.keySet(), "groups of " + report.get("file"));
        assertEquals(0L, number(report, "h5dump", "exit_code"), "h5dump -H -p " + report.get("file"));
        Set<String> h5dumpDatasets = object(report, "h5dump", "datasets").keySet();
        for (String stream : STREAMS) {
            assertEquals(published.get(stream), number(report, "groups", stream, "rows"), stream + " rows");
            for (String dataset : object(report, "groups", stream, "datasets").keySet()) {
                assertTrue(h5dumpDatasets.contains("/" + stream + "/" + dataset), "h5dump shows " + stream + "/" + dataset);
            }
        }
        assertEquals(List.of(published.get("camera0").intValue(), FRAME.get(0), FRAME.get(1)),
                at(report, "groups", "camera0", "datasets", "frame", "shape"));
        assertEquals(FRAME_DTYPE, at(report, "groups", "camera0", "datasets", "frame", "dtype"));
        assertEquals(true, at(report, "groups", "camera0", "test_pattern", "frame_numbers_consecutive"));
        assertEquals(published.get("camera0"), number(report, "groups", "camera0", "test_pattern", "frame", "frames"));
        assertEquals(0L, number(report, "groups", "camera0", "test_pattern", "frame", "frames_with_wrong_number"));
        assertEquals(0L, number(report, "groups", "camera0", "test_pattern", "frame", "frames_off_pattern"));
    }

    /**
     * Every stream's rows are the CSV writer's, value for value (check_h5.py compares timestamps
     * exactly and doubles bit for bit); units, ranges, instrument and run metadata are its sidecars'.
     */
    static void assertEqualsTheCsvFiles(Map<String, Object> report, Map<String, Long> published) {
        for (String stream : STREAMS) {
            assertEquals(published.get(stream), number(report, "groups", stream, "csv", "rows"), stream + " CSV rows");
            assertEquals(0L, number(report, "groups", stream, "csv", "mismatched_values"), stream);
        }
        assertEquals(List.of("timestamp_ns", "ch0", "ch1", "ch2", "ch3"), at(report, "groups", "adc0", "csv", "columns"));
        assertEquals(Map.of("type", "float64", "value", -10.0),
                at(report, "groups", "adc0", "datasets", "ch2", "attrs", "range_min"));
        assertEquals("W", at(report, "groups", "power_meter_01", "datasets", "power", "attrs", "units", "value"));
        assertEquals(Map.of("type", "float64", "value", 1064.0),
                at(report, "groups", "power_meter_01", "attrs", "wavelength_nm"));
    }

    /**
     * Columns in chunks of {@code chunkRows} rows, frames in chunks of {@code framesPerChunk} whole
     * frames, every dataset through the filter pipeline {@code filters} (HDF5 filter ids in order).
     */
    private static void assertStorage(Map<String, Object> report, int chunkRows, int framesPerChunk, List<Integer> filters) {
        forEachDataset(report, (where, dataset) -> {
            // a dataset shorter than one chunk is one chunk of its own length (FORMAT.md)
            int rows = ((Number) ((List<?>) at(dataset, "shape")).get(0)).intValue();
            List<Object> chunks = where.endsWith("/frame") ? List.of(Math.min(framesPerChunk, rows), FRAME.get(0), FRAME.get(1))
                    : List.of(Math.min(chunkRows, rows));
            assertEquals(chunks, at(dataset, "chunks"), where + " chunks");
            assertEquals(filters, ((List<?>) at(dataset, "filters")).stream().map(f -> at(f, "id")).toList(),
                    where + " filters");
        });
    }

    /** h5py's own view of deflate: "gzip" at the configured level, after shuffle. */
    private static void assertDeflateLevel(Map<String, Object> report, int level) {
        forEachDataset(report, (where, dataset) -> {
            assertEquals("gzip", at(dataset, "compression"), where);
            assertEquals(level, at(dataset, "compression_opts"), where);
            assertEquals(true, at(dataset, "shuffle"), where);
        });
    }

    /** h5py lists filter 32004 among a dataset's filters only when libhdf5 loaded the plugin for it. */
    private static void assertH5pySeesLz4(Map<String, Object> report) {
        forEachDataset(report, (where, dataset) -> {
            assertTrue(((List<?>) at(dataset, "h5py_filters")).contains(Integer.toString(LZ4)),
                    where + ": h5py's _filters " + at(dataset, "h5py_filters"));
            assertEquals(true, at(dataset, "shuffle"), where);
        });
    }

    /** Calls {@code check} with "stream/dataset" and the report on each dataset of every stream. */
    private static void forEachDataset(Map<String, Object> report, BiConsumer<String, Object> check) {
        for (String stream : STREAMS) {
            object(report, "groups", stream, "datasets").forEach((name, dataset) -> check.accept(stream + "/" + name, dataset));
        }
    }

    /** The two writers' files hold the same values: frames, which CSV leaves out, included. */
    private static void assertSameValues(Map<String, Object> deflate, Map<String, Object> lz4) {
        forEachDataset(deflate, (where, dataset) -> {
            String[] streamAndName = where.split("/");
            assertEquals(at(dataset, "values", "sha256"), at(lz4, "groups", streamAndName[0], "datasets",
                    streamAndName[1], "values", "sha256"), where + ": values of the deflate and the LZ4 file");
        });
    }

    /**
     * A ring file of the test's own: the default one in /dev/shm is shared by every platform on the
     * machine, so a test run beside another would lose records to it.
     */
    static String ring(Path work) {
        return work.resolve("ring.dat").toString();
    }

    static Path onlyFile(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> matching = files.filter(f -> f.toString().endsWith(suffix)).toList();
            assertEquals(1, matching.size(), suffix + " files in " + dir + ": " + matching);
            return matching.get(0);
        }
    }

    /** The value at {@code path} in parsed JSON, failing the test if a step is missing. */
    private static Object at(Object json, String... path) {
        Object value = json;
        for (String key : path) {
            assertTrue(value instanceof Map<?, ?> m && m.containsKey(key), "no '" + key + "' in " + value);
            value = ((Map<?, ?>) value).get(key);
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object json, String... path) {
        return (Map<String, Object>) at(json, path);
    }

    private static long number(Object json, String... path) {
        Object value = at(json, path);
        assertTrue(value instanceof Number, String.join(".", path) + " is a number: " + value);
        return ((Number) value).longValue();
    }
}
