package org.daqlab.writer.tiff.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.daqlab.api.run.StreamDescriptor;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Reads TIFF files with Debian's tifffile ({@code /usr/bin/python3}, package python3-tifffile), through
 * src/test/python/read_tiff.py, and compares what it saw with {@link TestFrames}' frames.
 */
final class Tifffile {

    static final String PYTHON = "/usr/bin/python3";
    private static final Path SCRIPT = Path.of("src", "test", "python", "read_tiff.py").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Tifffile() {
    }

    /** One file as tifffile read it (see read_tiff.py). */
    static JsonNode read(Path file) throws Exception {
        return readAll(List.of(file), true).get(0);
    }

    /** Several files, one entry each, in order; without the whole series in memory if not {@code seriesData}. */
    static List<JsonNode> readAll(List<Path> files, boolean seriesData) throws Exception {
        Path out = Files.createTempFile("tifffile", ".json");
        try {
            List<String> command = new ArrayList<>(List.of(PYTHON, SCRIPT.toString(), out.toString()));
            if (!seriesData) {
                command.add("--no-series-data");
            }
            files.forEach(f -> command.add(f.toAbsolutePath().toString()));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish: " + output);
            }
            assertEquals(0, process.exitValue(), String.join(" ", command)
                    + " failed (is python3-tifffile installed? apt-get install python3-tifffile): " + output);
            JsonNode result = JSON.readTree(out.toFile());
            List<JsonNode> entries = new ArrayList<>();
            result.get("files").forEach(entries::add);
            assertEquals(files.size(), entries.size(), output);
            return entries;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The file was read without error: its pages and its ImageJ series. */
    static JsonNode ok(JsonNode file) {
        pagesOk(file);
        assertTrue(file.get("series_error").isNull(), file.get("path") + ": tifffile read the pages, not the series: "
                + file.get("series_error"));
        return file;
    }

    /** The file's pages were read without error (the series may not be: a live file's description lags). */
    static JsonNode pagesOk(JsonNode file) {
        assertTrue(file.get("error").isNull(), file.get("path") + " could not be read by tifffile: " + file.get("error"));
        return file;
    }

    /**
     * Asserts that the file holds frames {@code first …} of {@code stream}, page by page: pixels,
     * shape, dtype, frame number and timestamp; returns the number of pages.
     */
    static long assertFrames(JsonNode file, StreamDescriptor stream, String dtype, long first) {
        ok(file);
        return assertPages(file, stream, dtype, first);
    }

    /** As {@link #assertFrames}, for a file whose pages are all that must read (a live or crashed one). */
    static long assertPages(JsonNode file, StreamDescriptor stream, String dtype, long first) {
        pagesOk(file);
        long[] shape = TestFrames.shape(stream);
        JsonNode pages = file.get("page");
        assertEquals(pages.size(), file.get("pages").asInt());
        for (int i = 0; i < pages.size(); i++) {
            JsonNode page = pages.get(i);
            long n = first + i;
            String where = file.get("path").asText() + " page " + i;
            assertEquals(List.of(shape[0], shape[1]), List.of(page.get("shape").get(0).asLong(), page.get("shape").get(1).asLong()),
                    where);
            assertEquals(dtype, page.get("dtype").asText(), where);
            assertEquals(TestFrames.sha256(TestFrames.pixels(stream, n)), page.get("sha256").asText(), where + ": pixels");
            JsonNode frame = page.get("frame");
            assertEquals(n, frame.get("frame_number").asLong(), where);
            assertEquals(TestFrames.timestamp(n), frame.get("timestamp_ns").asLong(), where);
            assertEquals(TestFrames.exposure(n), frame.get("exposure_s").asDouble(), where);
        }
        return pages.size();
    }
}
