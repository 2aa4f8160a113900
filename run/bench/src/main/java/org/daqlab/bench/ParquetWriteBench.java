package org.daqlab.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Parquet write benchmark: the same data written by daqlab's Parquet writer, by DuckDB (its own
 * Parquet writer, through the {@code @duckdb/node-api} npm package) and by a raw sequential
 * {@link java.nio.channels.FileChannel} write, in the same run, to the same file system; with zstd
 * (the writers' default level 3) and uncompressed. Workloads as in {@link Hdf5WriteBench}
 * ({@link Workloads#named}): frames, scalars, ADC, each reported on its own.
 *
 * <p>DuckDB gets the values as a table loaded, before its timing starts, from an uncompressed Parquet
 * file that daqlab's writer wrote of the workload (DuckDB reads Parquet natively; raw column files
 * would have to go through its node appender value by value, minutes for the frames). Its time is
 * {@code COPY t TO 'x.parquet' (FORMAT parquet, COMPRESSION …)} plus an fsync, measured inside its
 * process. daqlab's time runs from opening the segment to the closed, fsynced file.
 *
 * <p>Rounds interleave the contenders ({@link WriteRounds}) because the machine is shared; round 0 is
 * a warm-up and not counted, and every Parquet file it writes is read back with DuckDB
 * ({@code check_parquet.mjs}: rows and the sum of every column), which must agree with the input.
 *
 * <p>Options: {@code --dir} (default {@code run/bench/target/parquet-bench}), {@code --rounds}
 * (measured, default 5), {@code --workloads} (default {@code frames,scalars,adc}), {@code --frames}
 * (1000), {@code --rows} (rows of scalars and ADC, 10000000), {@code --contenders} (labels,
 * {@code ;}-separated), {@code --node} (the scripts' directory, default {@code run/bench/src/main/node};
 * {@code npm ci} runs there if its {@code node_modules} is missing).
 */
public final class ParquetWriteBench {

    private static final String DAQLAB_ZSTD = "daqlab zstd";
    private static final String DUCKDB_ZSTD = "DuckDB zstd";
    private static final String DAQLAB_NONE = "daqlab uncompressed";
    private static final String DUCKDB_NONE = "DuckDB uncompressed";
    private static final String RAW = "raw FileChannel";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ParquetWriteBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = WriteRounds.options(args);
        // absolute: the DuckDB scripts run in their own directory
        Path dir = Files.createDirectories(Path.of(options.getOrDefault("dir", "run/bench/target/parquet-bench"))).toAbsolutePath();
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "5"));
        Path node = Path.of(options.getOrDefault("node", "run/bench/src/main/node")).toAbsolutePath();
        if (!Files.isRegularFile(node.resolve("duckdb_parquet_write.mjs"))) {
            throw new IllegalArgumentException("DuckDB script not found in " + node + ": run from the repository root or pass --node");
        }
        BenchFiles.installNodeReaders(node, "@duckdb/node-api");
        System.out.println("Parquet write benchmark in " + dir.toAbsolutePath() + ", "
                + Runtime.getRuntime().availableProcessors() + " processors");
        System.out.println("Machine load at the start: " + BenchMain.machineLoad());
        try (BufferAllocator allocator = new RootAllocator()) {
            for (String name : options.getOrDefault("workloads", "frames,scalars,adc").split(",")) {
                try (Workload workload = Workloads.named(name, allocator, options)) {
                    Path input = dir.resolve(name + "-input.parquet");
                    Files.deleteIfExists(input);
                    new DaqlabParquetWrite("input", "uncompressed", allocator).write(workload, input);
                    Map<String, Object> expected = check(node, input);
                    Path script = node.resolve("duckdb_parquet_write.mjs");
                    List<Contender> all = List.of(
                            new DaqlabParquetWrite(DAQLAB_ZSTD, "zstd", allocator),
                            new DuckdbParquetWrite(DUCKDB_ZSTD, script, input, "zstd"),
                            new DaqlabParquetWrite(DAQLAB_NONE, "uncompressed", allocator),
                            new DuckdbParquetWrite(DUCKDB_NONE, script, input, "uncompressed"),
                            new RawSequentialWrite());
                    List<Contender> contenders = WriteRounds.chosen(all, options.get("contenders"));
                    WriteReport report = WriteRounds.measure(workload, contenders, rounds, dir, "parquet", file -> {
                        Map<String, Object> found = check(node, file);
                        if (!same(expected, found)) {
                            throw new IllegalStateException(file + " holds " + found + ", the input " + expected);
                        }
                    });
                    report.print(System.out, comparisons());
                    Files.delete(input);
                }
            }
        }
        System.out.println();
        System.out.println("Machine load at the end: " + BenchMain.machineLoad());
    }

    /** The goal for zstd against DuckDB; uncompressed against the raw write and DuckDB, without a goal. */
    private static List<WriteReport.Comparison> comparisons() {
        return List.of(
                new WriteReport.Comparison(DAQLAB_ZSTD, DUCKDB_ZSTD, 0.5),
                new WriteReport.Comparison(DAQLAB_NONE, RAW, Double.NaN),
                new WriteReport.Comparison(DAQLAB_NONE, DUCKDB_NONE, Double.NaN));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> check(Path node, Path file) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("node", "check_parquet.mjs", file.toAbsolutePath().toString())
                .directory(node.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (process.waitFor() != 0) {
            throw new IOException("DuckDB could not read " + file + ": " + output);
        }
        return JSON.readValue(output, Map.class);
    }

    /** Same rows and column sums; float64 sums may differ in their last bits with the order DuckDB adds them in. */
    private static boolean same(Map<String, Object> expected, Map<String, Object> found) {
        if (!expected.keySet().equals(found.keySet())) {
            return false;
        }
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            String a = String.valueOf(e.getValue());
            String b = String.valueOf(found.get(e.getKey()));
            if (a.equals(b)) {
                continue;
            }
            boolean decimal = a.matches(".*[.eE].*");
            if (!decimal || Math.abs(Double.parseDouble(a) - Double.parseDouble(b)) > 1e-9 * Math.max(1, Math.abs(Double.parseDouble(a)))) {
                return false;
            }
        }
        return true;
    }
}
