package org.daqlab.itest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * HDF5, Arrow IPC, Parquet, CSV, TIFF and Zarr writers in one run (issue 5: "a run with HDF5, Arrow and
 * Parquet writers active at once loses nothing"), each file read by a reader we did not write: h5py
 * ({@code check_h5.py}), the {@code apache-arrow} npm package (the Arrow writer's
 * {@code read-arrow.mjs}), hyparquet (the Parquet writer's {@code read-hyparquet.mjs}), tifffile (the
 * TIFF writer's {@code read_tiff.py}), zarrita (the Zarr writer's {@code read-zarr.mjs}) and Python's
 * csv module. Every stream's rows are in every format, in order, with the CSV writer's values
 * (integers exactly, doubles bit for bit); frames, which CSV leaves out, have the same pixel sums
 * in Arrow, Parquet and Zarr, and the TIFF stack a page per frame with the CSV's timestamps and frame numbers.
 */
class AllWritersAtOnceIT {

    private static final Path ROOT = Path.of("..", "..").toAbsolutePath().normalize();
    private static final Path ARROW_READER = ROOT.resolve("bundles/org.daqlab.writer.arrow/src/test/node");
    private static final Path PARQUET_READER = ROOT.resolve("bundles/org.daqlab.writer.parquet/src/test/node");
    private static final Path ZARR_READER = ROOT.resolve("bundles/org.daqlab.writer.zarr/src/test/node");
    private static final Path TIFF_READER = ROOT.resolve("bundles/org.daqlab.writer.tiff/src/test/python/read_tiff.py");

    @Test
    @SuppressWarnings("unchecked")
    void everyWriterAtOnceHoldsEveryPublishedRow(@TempDir Path work) throws Exception {
        Path out = work.resolve("out");
        Launcher.Result run = Launcher.run(work, "--duration", "10", "--output", out.toString(),
                "--writers", "hdf5,arrow,parquet,csv,tiff,zarr", "--ring", Hdf5InteropIT.ring(work));
        Map<String, Long> published = Hdf5InteropIT.assertWrittenWithoutLoss(run, Set.of("hdf5", "arrow", "parquet", "csv", "tiff", "zarr"));
        Map<String, Object> zarr = readZarr(Hdf5InteropIT.onlyFile(out, ".zarr"), work.resolve("zarr.json"));

        Map<String, Object> h5 = Hdf5InteropIT.check(Hdf5InteropIT.onlyFile(out, ".h5"), out, work.resolve("h5.json"));
        Hdf5InteropIT.assertHoldsEveryPublishedRow(h5, published);
        Hdf5InteropIT.assertEqualsTheCsvFiles(h5, published);

        for (String stream : Hdf5InteropIT.STREAMS) {
            List<List<String>> csv = Support.readCsv(Hdf5InteropIT.onlyFile(out, "_" + stream + ".csv"));
            Map<String, Object> arrowFile = readArrow(Hdf5InteropIT.onlyFile(out, "_" + stream + ".arrows"), work.resolve(stream + "-arrow.json"));
            Map<String, Object> parquetFile = readParquet(Hdf5InteropIT.onlyFile(out, "_" + stream + ".parquet"), work.resolve(stream + "-parquet.json"));
            assertSameMetadata(stream, arrowFile, parquetFile);
            Map<String, List<Object>> arrow = arrowColumns(arrowFile);
            Map<String, List<Object>> parquet = parquetColumns(parquetFile);
            long rows = published.get(stream);
            assertEquals(rows, csv.size() - 1, stream + " CSV rows");
            for (Map.Entry<String, List<Object>> column : arrow.entrySet()) {
                assertEquals(rows, column.getValue().size(), stream + "." + column.getKey() + " rows in Arrow");
            }
            assertEquals(arrow.keySet(), parquet.keySet(), stream + ": columns in Arrow and Parquet");
            List<String> header = csv.get(0);
            for (int c = 0; c < header.size(); c++) {
                String name = header.get(c);
                List<Object> a = arrow.get(name);
                List<Object> p = parquet.get(name);
                if (a == null || p == null) {
                    fail(stream + "." + name + " is in the CSV file but not in Arrow (" + arrow.keySet() + ") or Parquet");
                }
                for (int row = 0; row < rows; row++) {
                    String expected = csv.get(row + 1).get(c);
                    assertSameValue(expected, a.get(row), stream + "." + name + " row " + row + " in Arrow");
                    assertSameValue(expected, p.get(row), stream + "." + name + " row " + row + " in Parquet");
                }
            }
            assertZarrHoldsTheCsvRows(zarr, stream, csv);
        }
        long frames = published.get("camera0");
        List<Object> arrowFrames = arrowColumns(readArrow(Hdf5InteropIT.onlyFile(out, "_camera0.arrows"), work.resolve("frames-arrow.json"))).get("frame");
        assertSameFrames(arrowFrames, parquetColumns(readParquet(Hdf5InteropIT.onlyFile(out, "_camera0.parquet"),
                work.resolve("frames-parquet.json"))).get("frame"), "Parquet", "n", frames);
        assertSameFrames(arrowFrames, (List<Object>) zarrArray(zarr, "camera0", "frame").get("frames"), "Zarr", "length", frames);
        assertTiffHoldsEveryFrame(Hdf5InteropIT.onlyFile(out, "_camera0.tif"), work.resolve("tiff.json"),
                Support.readCsv(Hdf5InteropIT.onlyFile(out, "_camera0.csv")), frames);
    }

    /** A Zarr v3 store as zarrita reads it (the Zarr writer's {@code read-zarr.mjs}): its groups and arrays. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> readZarr(Path store, Path json) throws IOException, InterruptedException {
        Support.node(ZARR_READER, "read-zarr.mjs", json.toString(), store.toString());
        Map<String, Object> entry = ((List<Map<String, Object>>) Support.readJson(json).get("stores")).get(0);
        assertNull(entry.get("error"), store + " read by zarrita");
        return entry;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> zarrArray(Map<String, Object> store, String stream, String column) {
        Map<String, Object> group = (Map<String, Object>) ((Map<String, Object>) store.get("groups")).get(stream);
        assertNotNull(group, "group " + stream + " in the Zarr store");
        Map<String, Object> array = (Map<String, Object>) ((Map<String, Object>) group.get("arrays")).get(column);
        assertNotNull(array, stream + "/" + column + " in the Zarr store");
        assertNull(array.get("error"), stream + "/" + column + " read by zarrita");
        return array;
    }

    /**
     * Every array of the stream's group in the Zarr store holds its CSV column's rows (frames, which CSV
     * leaves out, are compared with Arrow's); the timestamps and the first value column are there.
     */
    @SuppressWarnings("unchecked")
    private static void assertZarrHoldsTheCsvRows(Map<String, Object> store, String stream, List<List<String>> csv) {
        List<String> header = csv.get(0);
        Map<String, Object> group = (Map<String, Object>) ((Map<String, Object>) store.get("groups")).get(stream);
        assertNotNull(group, "group " + stream + " in the Zarr store");
        Set<String> arrays = ((Map<String, Object>) group.get("arrays")).keySet();
        assertTrue(arrays.contains("timestamp_ns") && arrays.contains(header.get(1)), stream + " arrays in Zarr: " + arrays);
        for (String name : arrays) {
            int c = header.indexOf(name);
            if (c < 0) {
                continue; // frames: compared with Arrow's
            }
            List<Object> values = (List<Object>) zarrArray(store, stream, name).get("values");
            assertEquals(csv.size() - 1, values.size(), stream + "." + name + " rows in Zarr");
            for (int row = 0; row < values.size(); row++) {
                assertSameValue(csv.get(row + 1).get(c), values.get(row), stream + "." + name + " row " + row + " in Zarr");
            }
        }
    }

    /**
     * The camera's TIFF stack as tifffile reads it: a page per published frame, each page's frame
     * record (timestamp and frame number) the CSV writer's row, the ImageJ description counting them all.
     */
    @SuppressWarnings("unchecked")
    private static void assertTiffHoldsEveryFrame(Path tif, Path json, List<List<String>> csv, long frames)
            throws IOException, InterruptedException {
        Launcher.Result read = Launcher.exec(tif.getParent(), 300, List.of("/usr/bin/python3", TIFF_READER.toString(),
                json.toString(), tif.toString()));
        assertEquals(0, read.exitCode(), read.output());
        Map<String, Object> file = ((List<Map<String, Object>>) Support.readJson(json).get("files")).get(0);
        assertNull(file.get("error"), tif + " read by tifffile");
        assertNull(file.get("series_error"), tif + " as an ImageJ series");
        assertEquals(frames, ((Number) file.get("pages")).longValue(), "pages of " + tif);
        assertEquals(frames, ((Number) ((Map<String, Object>) file.get("imagej")).get("images")).longValue(), "ImageJ images=");
        List<String> header = csv.get(0);
        List<Map<String, Object>> pages = (List<Map<String, Object>>) file.get("page");
        for (int i = 0; i < frames; i++) {
            Map<String, Object> record = (Map<String, Object>) pages.get(i).get("frame");
            for (String column : List.of("timestamp_ns", "frame_number")) {
                assertEquals(csv.get(i + 1).get(header.indexOf(column)), String.valueOf(record.get(column)),
                        "page " + i + " " + column + " in TIFF and CSV");
            }
        }
    }

    /**
     * The run (uid, name, metadata), the instrument (id, metadata) and the column units (field metadata {@code unit}) are the same
     * in a stream's Arrow file (schema metadata and field metadata, FORMAT.md of the Arrow writer) and
     * Parquet file (the {@code daqlab} document and {@code ARROW:schema}); the power meter's are the
     * simulated instrument's, which the HDF5 check compared with the CSV writer's sidecars.
     */
    @SuppressWarnings("unchecked")
    private static void assertSameMetadata(String stream, Map<String, Object> arrowFile, Map<String, Object> parquetFile)
            throws IOException {
        Map<String, Object> arrowMetadata = (Map<String, Object>) arrowFile.get("schema_metadata");
        Map<String, Object> arrowRun = Support.JSON.readValue((String) arrowMetadata.get("daqlab.run"), Map.class);
        Map<String, Object> arrowInstrument = Support.JSON.readValue((String) arrowMetadata.get("daqlab.instrument"), Map.class);
        Map<String, Object> parquet = Support.JSON.readValue((String) ((Map<String, Object>) parquetFile.get("key_value")).get("daqlab"), Map.class);
        Map<String, Object> parquetRun = (Map<String, Object>) parquet.get("run");
        for (String key : List.of("uid", "name", "start_time_ns", "metadata")) {
            assertNotNull(arrowRun.get(key), stream + ": run " + key + " in Arrow");
            assertEquals(arrowRun.get(key), parquetRun.get(key), stream + ": run " + key + " in Arrow and Parquet");
        }
        assertEquals(arrowInstrument.get("id"), parquet.get("instrument_id"), stream + ": instrument id");
        assertEquals(arrowInstrument.get("metadata"), parquet.get("instrument_metadata"), stream + ": instrument metadata");
        Map<String, Object> arrowUnits = units((List<Map<String, Object>>) arrowFile.get("fields"));
        Map<String, Object> parquetUnits = units((List<Map<String, Object>>) ((Map<String, Object>) parquetFile.get("arrow_schema")).get("fields"));
        assertEquals(arrowUnits, parquetUnits, stream + ": units in Arrow and Parquet");
        if (stream.equals("power_meter_01")) {
            assertEquals(1064.0, ((Number) ((Map<String, Object>) arrowInstrument.get("metadata")).get("wavelength_nm")).doubleValue());
            assertEquals("W", arrowUnits.get("power"));
        }
    }

    private static Map<String, Object> units(List<Map<String, Object>> fields) {
        Map<String, Object> units = new LinkedHashMap<>();
        for (Map<String, Object> field : fields) {
            Object unit = ((Map<?, ?>) field.get("metadata")).get("unit");
            if (unit != null) {
                units.put((String) field.get("name"), unit);
            }
        }
        return units;
    }

    /** An Arrow IPC file as apache-arrow reads it (the Arrow writer's {@code read-arrow.mjs}). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> readArrow(Path file, Path json) throws IOException, InterruptedException {
        Support.node(ARROW_READER, "read-arrow.mjs", json.toString(), file.toString());
        Map<String, Object> entry = ((List<Map<String, Object>>) Support.readJson(json).get("files")).get(0);
        assertNull(entry.get("error"), file + " read by apache-arrow");
        return entry;
    }

    /** A Parquet file as hyparquet reads it (the Parquet writer's {@code read-hyparquet.mjs}). */
    private static Map<String, Object> readParquet(Path file, Path json) throws IOException, InterruptedException {
        Support.node(PARQUET_READER, "read-hyparquet.mjs", file.toString(), json.toString());
        return Support.readJson(json);
    }

    /** The columns of an Arrow file read by {@link #readArrow}, batches concatenated. */
    @SuppressWarnings("unchecked")
    private static Map<String, List<Object>> arrowColumns(Map<String, Object> entry) {
        Map<String, List<Object>> columns = new LinkedHashMap<>();
        for (Map<String, Object> batch : (List<Map<String, Object>>) entry.get("batches")) {
            for (Map.Entry<String, Object> column : ((Map<String, Object>) batch.get("columns")).entrySet()) {
                columns.computeIfAbsent(column.getKey(), k -> new ArrayList<>()).addAll((List<Object>) column.getValue());
            }
        }
        return columns;
    }

    /** The columns of a Parquet file read by {@link #readParquet}. */
    @SuppressWarnings("unchecked")
    private static Map<String, List<Object>> parquetColumns(Map<String, Object> file) {
        return (Map<String, List<Object>>) file.get("columns");
    }

    /**
     * A CSV cell and a value another reader gave: integers equal exactly, other numbers as the same
     * double (each side printed it in its own shortest round-trip form), text and booleans as text.
     */
    private static void assertSameValue(String csv, Object value, String what) {
        if (value == null) {
            assertEquals("", csv, what + " is null");
            return;
        }
        String text = String.valueOf(value);
        if (csv.matches("-?\\d+") && text.matches("-?\\d+")) {
            assertEquals(csv, text, what);
        } else if (isNumber(csv) && isNumber(text)) {
            assertEquals(Double.doubleToLongBits(Double.parseDouble(csv)), Double.doubleToLongBits(Double.parseDouble(text)),
                    what + ": " + csv + " vs " + text);
        } else {
            assertEquals(csv.toLowerCase(), text.toLowerCase(), what);
        }
    }

    private static boolean isNumber(String text) {
        try {
            Double.parseDouble(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Every frame has the same number of pixels and pixel sum in Arrow ({length, sum}) and in
     * {@code format}, whose reader names the pixel count {@code lengthKey}.
     */
    @SuppressWarnings("unchecked")
    private static void assertSameFrames(List<Object> arrow, List<Object> other, String format, String lengthKey, long frames) {
        assertEquals(frames, arrow.size(), "frames in Arrow");
        assertEquals(frames, other.size(), "frames in " + format);
        for (int i = 0; i < frames; i++) {
            Map<String, Object> a = (Map<String, Object>) arrow.get(i);
            Map<String, Object> o = (Map<String, Object>) other.get(i);
            assertEquals(String.valueOf(a.get("length")), String.valueOf(o.get(lengthKey)), "pixels of frame " + i + " in " + format);
            assertEquals(String.valueOf(a.get("sum")), String.valueOf(o.get("sum")), "pixel sum of frame " + i + " in " + format);
        }
    }
}
