package org.daqlab.writer.zarr.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.vector.types.pojo.Field;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.TestStreams;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The reference readers, which share no code with the writer: Zarr v2 stores are read by zarr-python
 * (Debian's python3-zarr 2.13, src/test/python/read_zarr.py), Zarr v3 stores by zarrita (npm,
 * src/test/node/read-zarr.mjs, installed with {@code npm ci} on a fresh checkout). Both report the
 * same JSON shape; the assertions here compare it with {@link TestStreams}' values.
 */
final class ZarrReaders {

    private static final Path NODE_DIR = Path.of("src", "test", "node").toAbsolutePath();
    private static final Path PYTHON_SCRIPT = Path.of("src", "test", "python", "read_zarr.py").toAbsolutePath();
    /** Debian's interpreter, where apt installs python3-zarr (not a virtualenv's). */
    private static final String PYTHON = "/usr/bin/python3";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ZarrReaders() {
    }

    /** What the readers report of a store. */
    record Read(JsonNode store, boolean v3, boolean float16) {
    }

    /** Each store as its format's reference reader reads it, in order. */
    static List<Read> read(ZarrFormat format, List<Path> stores, Path workDir) throws Exception {
        Path out = Files.createTempFile(workDir, "zarr-read", ".json");
        List<String> command = new ArrayList<>();
        Path directory;
        if (format == ZarrFormat.V3) {
            installOnce();
            command.addAll(List.of("node", "read-zarr.mjs", out.toString()));
            directory = NODE_DIR;
        } else {
            command.addAll(List.of(PYTHON, PYTHON_SCRIPT.toString(), out.toString()));
            directory = workDir;
        }
        stores.forEach(s -> command.add(s.toAbsolutePath().toString()));
        String output = run(command, directory, 600, format == ZarrFormat.V2
                ? " (zarr-python: apt-get install python3-zarr python3-numpy)" : "");
        JsonNode result = JSON.readTree(out.toFile());
        Files.delete(out);
        List<Read> reads = new ArrayList<>();
        boolean float16 = format == ZarrFormat.V2 || result.path("float16").asBoolean();
        result.get("stores").forEach(s -> reads.add(new Read(s, format == ZarrFormat.V3, float16)));
        assertEquals(stores.size(), reads.size(), "reader output: " + output);
        return reads;
    }

    /** One store. */
    static Read read(ZarrFormat format, Path store, Path workDir) throws Exception {
        return read(format, List.of(store), workDir).get(0);
    }

    /** What xarray (python3-xarray on zarr-python 2) makes of every group of a v2 store (src/test/python/open_xarray.py). */
    static JsonNode xarray(Path store, Path workDir) throws Exception {
        Path out = Files.createTempFile(workDir, "xarray", ".json");
        run(List.of(PYTHON, PYTHON_SCRIPT.resolveSibling("open_xarray.py").toString(), out.toString(),
                store.toAbsolutePath().toString()), workDir, 600, " (xarray: apt-get install python3-xarray python3-zarr)");
        JsonNode result = JSON.readTree(out.toFile());
        Files.delete(out);
        return result;
    }

    private static synchronized void installOnce() throws Exception {
        if (!Files.isDirectory(NODE_DIR.resolve("node_modules"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund"), NODE_DIR, 600, " (npm ci needs the npm registry)");
        }
    }

    private static String run(List<String> command, Path directory, int timeoutSeconds, String hint) throws Exception {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s: " + output);
        }
        assertEquals(0, process.exitValue(), String.join(" ", command) + " in " + directory + hint + " failed: " + output);
        return output;
    }

    /** The store was read without error; its group {@code name}. */
    static JsonNode group(Read read, String name) {
        assertTrue(read.store().get("error").isNull(), read.store().get("path") + " could not be read: " + read.store().get("error"));
        JsonNode group = read.store().get("groups").get(name);
        assertTrue(group != null, read.store().get("path") + " has no group " + name + ": " + read.store().get("groups").fieldNames());
        return group;
    }

    /** An array of a group, read without error. */
    static JsonNode array(JsonNode group, String name) {
        JsonNode array = group.get("arrays").get(name);
        assertTrue(array != null, "no array " + name + " in " + group.get("arrays").fieldNames());
        assertTrue(array.get("error").isNull(), name + " could not be read: " + array.get("error"));
        return array;
    }

    /** Whether the reader could not open an array only because this Node has no Float16Array for zarrita. */
    static boolean float16Unreadable(Read read, JsonNode array) {
        return !read.float16() && array != null && array.get("error").asText().contains("unsupported dataType: float16");
    }

    /** The length along time of every readable array of a group, by name. */
    static Map<String, Long> lengths(Read read, String groupName) {
        JsonNode group = group(read, groupName);
        Map<String, Long> lengths = new java.util.TreeMap<>();
        group.get("arrays").fields().forEachRemaining(entry -> {
            if (!float16Unreadable(read, entry.getValue())) {
                lengths.put(entry.getKey(), array(group, entry.getKey()).get("shape").get(0).asLong());
            }
        });
        return lengths;
    }

    /** The dimension names of an array: v3's {@code dimension_names}, v2's {@code _ARRAY_DIMENSIONS}. */
    static List<String> dimensions(Read read, JsonNode array) {
        JsonNode names = read.v3() ? array.get("dimension_names") : array.get("attributes").get("_ARRAY_DIMENSIONS");
        List<String> out = new ArrayList<>();
        names.forEach(n -> out.add(n.asText()));
        return out;
    }

    /**
     * Asserts that group {@code groupName} holds exactly rows {@code [first, first + rows)} of
     * {@code stream} in every column but {@code skipped}: shapes, dimension names, values, units and
     * ranges; and the group's stream attributes.
     */
    static void assertStream(Read read, String groupName, StreamDescriptor stream, long first, long rows, List<String> skipped) {
        JsonNode group = group(read, groupName);
        String where = read.store().get("path").asText() + " " + groupName;
        assertEquals(stream.stream(), group.get("attributes").get("stream").asText(), where);
        assertEquals(stream.instrumentId(), group.get("attributes").get("instrument_id").asText(), where);
        Map<String, LongFunction<Object>> expected = TestStreams.expected(stream);
        List<String> written = new ArrayList<>();
        for (Field field : stream.schema().getFields()) {
            if (!skipped.contains(field.getName())) {
                written.add(field.getName());
            }
        }
        List<String> arrays = new ArrayList<>();
        group.get("arrays").fieldNames().forEachRemaining(arrays::add);
        assertEquals(written.stream().sorted().toList(), arrays, where + ": arrays");
        for (String column : written) {
            Field field = stream.schema().findField(column);
            String at = where + "/" + column;
            if (float16Unreadable(read, group.get("arrays").get(column))) {
                continue; // this Node has no Float16Array for zarrita to return (v2 stores are read by numpy)
            }
            JsonNode array = array(group, column);
            boolean frame = StreamSchemas.isFrame(field);
            assertEquals(rows, array.get("shape").get(0).asLong(), at + " shape " + array.get("shape"));
            assertEquals(frame ? List.of("time", "y", "x") : List.of("time"), dimensions(read, array), at);
            String unit = StreamSchemas.unit(field);
            if (unit != null) {
                assertEquals(unit, array.get("attributes").get("units").asText(), at + " units");
            }
            if (field.getMetadata().containsKey(StreamSchemas.RANGE_MIN)) {
                assertEquals(Double.parseDouble(field.getMetadata().get(StreamSchemas.RANGE_MIN)),
                        array.get("attributes").get("range_min").asDouble(), at + " range_min");
                assertEquals(Double.parseDouble(field.getMetadata().get(StreamSchemas.RANGE_MAX)),
                        array.get("attributes").get("range_max").asDouble(), at + " range_max");
            }
            String dtype = array.get("dtype").asText();
            LongFunction<Object> value = expected.get(column);
            JsonNode values = array.get(frame ? "frames" : "values");
            assertEquals(rows, values.size(), at + " values");
            for (int i = 0; i < rows; i++) {
                assertValue(value.apply(first + i), dtype, values.get(i), at + " row " + (first + i));
            }
        }
    }

    /**
     * Asserts that every array of group {@code groupName} holds at least {@code rows} rows and that
     * its first {@code rows} are those of {@code stream} (arrays of a store whose flush a crash or a
     * full disk cut short may be longer than others).
     */
    static void assertStreamPrefix(Read read, String groupName, StreamDescriptor stream, long rows, List<String> skipped) {
        JsonNode group = group(read, groupName);
        Map<String, LongFunction<Object>> expected = TestStreams.expected(stream);
        for (Field field : stream.schema().getFields()) {
            JsonNode array = group.get("arrays").get(field.getName());
            if (skipped.contains(field.getName()) || float16Unreadable(read, array)) {
                continue;
            }
            array = array(group, field.getName());
            boolean frame = StreamSchemas.isFrame(field);
            JsonNode values = array.get(frame ? "frames" : "values");
            String at = read.store().get("path").asText() + " " + groupName + "/" + field.getName();
            assertTrue(values.size() >= rows, at + ": " + values.size() + " rows < " + rows);
            for (int i = 0; i < rows; i++) {
                assertValue(expected.get(field.getName()).apply(i), array.get("dtype").asText(), values.get(i), at + " row " + i);
            }
        }
    }

    /** Asserts that a reader saw {@code expected} (a published value, null included) as Zarr stores it. */
    static void assertValue(Object expected, String dtype, JsonNode actual, String where) {
        if (expected instanceof TestStreams.Frame frame) {
            assertEquals(frame.length(), actual.get("length").asInt(), where + " length");
            assertEquals(frame.sum(), actual.get("sum").asLong(), where + " sum");
            assertEquals(frame.weighted(), actual.get("weighted").asLong(), where + " weighted sum");
            assertEquals(frame.first(), actual.get("first").asInt(), where + " first pixel");
            assertEquals(frame.last(), actual.get("last").asInt(), where + " last pixel");
            return;
        }
        assertEquals(text(expected, dtype), normalized(actual.asText(), dtype), where);
    }

    /** What a reader prints for a published value in an array of {@code dtype}: nulls are NaN or 0 (false). */
    static String text(Object expected, String dtype) {
        boolean isFloat = dtype.contains("f");
        if (expected == null) {
            return isFloat ? "NaN" : dtype.contains("b") && !dtype.contains("u") ? "false" : "0";
        }
        if (expected instanceof Double d) {
            return Double.toString(d);
        }
        if (expected instanceof Float f) {
            return Double.toString(f.doubleValue());
        }
        if (expected instanceof BigInteger || expected instanceof Long || expected instanceof Boolean) {
            return expected.toString();
        }
        throw new IllegalArgumentException("no Zarr value for " + expected.getClass().getSimpleName() + " " + expected);
    }

    /** Floats as Java prints them (readers print the same double in other ways: 1e-3, 0.001, 1.0, 1). */
    private static String normalized(String text, String dtype) {
        return dtype.contains("f") ? Double.toString(Double.parseDouble(text)) : text;
    }
}
