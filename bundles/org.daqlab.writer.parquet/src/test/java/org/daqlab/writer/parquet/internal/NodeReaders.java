package org.daqlab.writer.parquet.internal;

import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads Parquet files with readers that share no code with parquet-java: hyparquet (with
 * hyparquet-compressors, and apache-arrow for the ARROW:schema key) and DuckDB, through the node
 * scripts in {@code src/test/node}, whose pinned packages are installed with {@code npm ci} on first use.
 * (DuckDB's node package is pinned to a version whose per-platform bindings the registry has for every
 * platform: npm leaves bindings it cannot find out of the lock, and {@code npm ci} then refuses the lock.)
 */
final class NodeReaders {

    private static final Path SCRIPTS = Path.of(System.getProperty("basedir", ".")).resolve("src/test/node").toAbsolutePath();
    private static final JsonMapper JSON = new JsonMapper();
    private static boolean installed;

    private NodeReaders() {
    }

    /** What hyparquet finds in {@code file}: footer, decoded ARROW:schema and every column's values ({@code read-hyparquet.mjs}). */
    static Map<String, Object> hyparquet(Path file) throws IOException, InterruptedException {
        return run("read-hyparquet.mjs", file);
    }

    /** What DuckDB finds in {@code file}: column types, key-value metadata and every column's values ({@code read-duckdb.mjs}). */
    static Map<String, Object> duckdb(Path file) throws IOException, InterruptedException {
        return run("read-duckdb.mjs", file);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> run(String script, Path file) throws IOException, InterruptedException {
        install();
        // in the temp directory: the file may be on a full disk
        Path out = Files.createTempFile(file.getFileName() + ".", ".json");
        try {
            String output = exec(List.of("node", script, file.toAbsolutePath().toString(), out.toString()), 300);
            if (output != null) {
                throw new AssertionError(script + " could not read " + file + ": " + output);
            }
            return JSON.readValue(out.toFile(), Map.class);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Installs the pinned readers on a fresh checkout (needs the npm registry once). */
    private static synchronized void install() throws IOException, InterruptedException {
        if (installed || Files.isDirectory(SCRIPTS.resolve("node_modules/@duckdb/node-api"))
                && Files.isDirectory(SCRIPTS.resolve("node_modules/hyparquet-compressors"))) {
            installed = true;
            return;
        }
        String output = exec(List.of("npm", "ci", "--no-audit", "--no-fund"), 600);
        if (output != null) {
            throw new AssertionError("npm ci in " + SCRIPTS + " (needs node, npm and the npm registry): " + output);
        }
        installed = true;
    }

    /** Runs a command in the scripts directory: {@code null} if it succeeded, else its exit code and output. */
    private static String exec(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).directory(SCRIPTS.toFile()).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return command + " did not finish in " + timeoutSeconds + " s";
        }
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + new String(output, StandardCharsets.UTF_8);
    }
}
