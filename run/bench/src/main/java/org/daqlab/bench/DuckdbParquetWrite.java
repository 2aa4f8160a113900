package org.daqlab.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DuckDB baseline: runs {@code duckdb_parquet_write.mjs} in a new node process, which loads the
 * workload into a DuckDB table (from an uncompressed Parquet file of the same values) and then times
 * {@code COPY … TO (FORMAT parquet, COMPRESSION …)} and an fsync of the file, with the process's CPU
 * time over the same span; node's start and the loading are not in it. DuckDB encodes with as many
 * threads as the machine has processors.
 */
final class DuckdbParquetWrite implements Contender {

    private static final Pattern RESULT = Pattern.compile("seconds=([0-9.]+) cpu=([0-9.]+) size=([0-9]+) rows=([0-9]+)");

    private final String label;
    private final Path script;
    private final Path input;
    private final String compression;

    /**
     * @param input       an uncompressed Parquet file of the workload
     * @param compression DuckDB's COMPRESSION option ({@code zstd}, {@code uncompressed})
     */
    DuckdbParquetWrite(String label, Path script, Path input, String compression) {
        this.label = label;
        this.script = script;
        this.input = input;
        this.compression = compression;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public Written write(Workload workload, Path file) throws IOException, InterruptedException {
        List<String> command = List.of("node", script.toString(), input.toString(), file.toString(), compression);
        Process process = new ProcessBuilder(command).directory(script.getParent().toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int exit = process.waitFor();
        Matcher result = RESULT.matcher(output);
        if (exit != 0 || !result.find()) {
            throw new IOException(String.join(" ", command) + " exited with " + exit + " and printed: " + output);
        }
        if (Long.parseLong(result.group(4)) != workload.rows()) {
            throw new IOException("DuckDB wrote " + result.group(4) + " rows of " + workload.name() + ", not " + workload.rows());
        }
        return new Written(Double.parseDouble(result.group(1)), Double.parseDouble(result.group(2)),
                Long.parseLong(result.group(3)), "");
    }
}
