package org.daqlab.writer.csv.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A CSV file as Python's csv module reads it (src/test/resources/read_csv.py): an independent
 * reader, so the tests do not check FastCSV with FastCSV.
 *
 * @param rows        every record, header first
 * @param float64Bits per field, the bits of Python's float() of it as 16 hex digits, or null
 */
record PythonCsv(List<List<String>> rows, @JsonProperty("float64_bits") List<List<String>> float64Bits) {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    /** Reads {@code file}; skips the calling test if python3 is not installed. */
    static PythonCsv read(Path file, char delimiter) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "no " + PYTHON + ": the independent CSV reader check is skipped");
        String script;
        try (InputStream in = PythonCsv.class.getResourceAsStream("/read_csv.py")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Process python = new ProcessBuilder(PYTHON.toString(), "-c", script, file.toString(), String.valueOf(delimiter))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        byte[] output = python.getInputStream().readAllBytes();
        if (!python.waitFor(60, TimeUnit.SECONDS) || python.exitValue() != 0) {
            throw new AssertionError("python3 could not read " + file + " as CSV (see its error output above)");
        }
        return new ObjectMapper().readValue(output, PythonCsv.class);
    }

    /** The header row. */
    List<String> header() {
        return rows.get(0);
    }

    /** The records after the header. */
    List<List<String>> records() {
        return rows.subList(1, rows.size());
    }
}
