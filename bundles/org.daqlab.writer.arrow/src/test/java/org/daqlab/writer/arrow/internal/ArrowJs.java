package org.daqlab.writer.arrow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.daqlab.api.storage.TestStreams;

import java.io.IOException;
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
 * Reads Arrow files with the {@code apache-arrow} npm package (src/test/node/read-arrow.mjs), which
 * shares no code with Arrow Java, installing the pinned packages with {@code npm ci} first on a fresh
 * checkout; and compares what it read with {@link TestStreams}' values.
 */
final class ArrowJs {

    private static final Path NODE_DIR = Path.of("src", "test", "node").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    private ArrowJs() {
    }

    /** One file as apache-arrow read it (see read-arrow.mjs). */
    static JsonNode read(Path file, Path workDir) throws Exception {
        return readAll(List.of(file), workDir).get(0);
    }

    /** Several files, one entry each, in order. */
    static List<JsonNode> readAll(List<Path> files, Path workDir) throws Exception {
        installOnce();
        Path out = Files.createTempFile(workDir, "arrow-js", ".json");
        List<String> command = new ArrayList<>(List.of("node", "read-arrow.mjs", out.toString()));
        files.forEach(f -> command.add(f.toAbsolutePath().toString()));
        String output = run(command, 600);
        JsonNode result = JSON.readTree(out.toFile());
        Files.delete(out);
        List<JsonNode> entries = new ArrayList<>();
        result.get("files").forEach(entries::add);
        assertEquals(files.size(), entries.size(), "read-arrow.mjs output: " + output);
        return entries;
    }

    private static synchronized void installOnce() throws Exception {
        if (!Files.isDirectory(NODE_DIR.resolve("node_modules"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund"), 600);
        }
    }

    private static String run(List<String> command, int timeoutSeconds) throws Exception {
        Process process = new ProcessBuilder(command).directory(NODE_DIR.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s: " + output);
        }
        assertEquals(0, process.exitValue(), String.join(" ", command) + " in " + NODE_DIR
                + " (npm ci needs the npm registry) failed: " + output);
        return output;
    }

    /** The file was read without error. */
    static JsonNode ok(JsonNode file) {
        assertTrue(file.get("error").isNull(), file.get("path") + " could not be read: " + file.get("error"));
        return file;
    }

    /** Rows per batch of a file, in order. */
    static List<Integer> batchRows(JsonNode file) {
        List<Integer> rows = new ArrayList<>();
        file.get("batches").forEach(b -> rows.add(b.get("rows").asInt()));
        return rows;
    }

    /** Total rows of a file. */
    static long rows(JsonNode file) {
        return batchRows(file).stream().mapToLong(Integer::longValue).sum();
    }

    /**
     * Asserts that {@code file}'s batches hold rows {@code first …} of a stream, every column equal
     * to {@code expected}, and returns the number of rows.
     */
    static long assertRows(JsonNode file, Map<String, LongFunction<Object>> expected, long first) {
        long row = first;
        for (JsonNode batch : file.get("batches")) {
            JsonNode columns = batch.get("columns");
            int rows = batch.get("rows").asInt();
            assertEquals(expected.keySet(), fieldNames(columns), file.get("path") + ": columns");
            for (Map.Entry<String, LongFunction<Object>> column : expected.entrySet()) {
                JsonNode values = columns.get(column.getKey());
                assertEquals(rows, values.size(), column.getKey());
                for (int i = 0; i < rows; i++) {
                    assertValue(column.getValue().apply(row + i), values.get(i),
                            file.get("path").asText() + " column " + column.getKey() + " row " + (row + i));
                }
            }
            row += rows;
        }
        return row - first;
    }

    private static java.util.Set<String> fieldNames(JsonNode columns) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        columns.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static void assertValue(Object expected, JsonNode actual, String where) {
        if (expected == null) {
            assertTrue(actual.isNull(), where + ": expected null, got " + actual);
            return;
        }
        assertTrue(!actual.isNull(), where + ": expected " + expected + ", got null");
        if (expected instanceof TestStreams.Frame frame) {
            assertEquals(frame.length(), actual.get("length").asInt(), where + " length");
            assertEquals(frame.sum(), actual.get("sum").asLong(), where + " sum");
            assertEquals(frame.weighted(), actual.get("weighted").asLong(), where + " weighted sum");
            assertEquals(frame.first(), actual.get("first").asInt(), where + " first pixel");
            assertEquals(frame.last(), actual.get("last").asInt(), where + " last pixel");
            return;
        }
        String text = actual.asText();
        if (expected instanceof Long l) {
            assertEquals(l.longValue(), Long.parseLong(text), where);
        } else if (expected instanceof BigInteger b) {
            assertEquals(b, new BigInteger(text), where);
        } else if (expected instanceof Double d) {
            assertEquals(0, Double.compare(d, Double.parseDouble(text)), where + ": expected " + d + ", got " + text);
        } else if (expected instanceof Float f) {
            assertEquals(0, Double.compare(f.doubleValue(), Double.parseDouble(text)), where + ": expected " + f + ", got " + text);
        } else if (expected instanceof Boolean b) {
            assertEquals(b.toString(), text, where);
        } else {
            assertEquals(expected, text, where);
        }
    }

    /** A field of the file by name. */
    static JsonNode field(JsonNode file, String name) {
        for (JsonNode field : file.get("fields")) {
            if (field.get("name").asText().equals(name)) {
                return field;
            }
        }
        fail(file.get("path") + " has no field " + name + ": " + file.get("fields"));
        return null;
    }

    /** A JSON document stored as a metadata value. */
    static JsonNode json(JsonNode metadata, String key) throws IOException {
        JsonNode value = metadata.get(key);
        assertTrue(value != null && value.isTextual(), "metadata " + key + " in " + metadata);
        return JSON.readTree(value.asText());
    }
}
