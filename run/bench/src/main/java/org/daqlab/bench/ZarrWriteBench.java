package org.daqlab.bench;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Zarr write benchmark: the same data written by daqlab's Zarr writer (Zarr v3), by zarr-python
 * (Debian's python3-zarr 2.13 with numcodecs 0.11, which writes Zarr v2 only) and by a raw sequential
 * {@link java.nio.channels.FileChannel} write, in the same run, to the same file system. Both Zarr
 * writers make the same chunks (one frame; 65,536 rows of 1-D arrays: the writer's defaults) with
 * the same codec at the same level (zstd 1 and zstd 3, the writer's default; numcodecs' Zstd and
 * daqlab both call libzstd's one-shot compression with the content size): the compression work is
 * identical, and a v3 chunk file holds exactly the bytes of the v2 one. Only the metadata documents
 * differ. Workloads as in {@link Hdf5WriteBench} ({@link Workloads#named}). For frames, the
 * uncompressed writer also writes shards of 100 frames (10 files instead of 1,000): what creating a
 * file per chunk costs against the raw write.
 *
 * <p>Rounds interleave the contenders ({@link WriteRounds}) because the machine is shared; round 0 is
 * a warm-up and not counted, and every store it writes is read back with zarrita
 * ({@code check_zarr.mjs}): every array holds the exported values with the expected shape, type and chunks.
 *
 * <p>Options: {@code --dir} (default {@code run/bench/target/zarr-bench}; inputs for zarr-python and
 * the stores written go there, each store deleted after it is measured), {@code --rounds} (measured,
 * default 5), {@code --workloads} (default {@code frames,scalars,adc}), {@code --frames} (1000),
 * {@code --rows} (10000000), {@code --threads} (daqlab's compression workers, default one per
 * processor as the writer's default), {@code --contenders} (labels, {@code ;}-separated),
 * {@code --python} ({@code /usr/bin/python3}), {@code --script} (default
 * {@code run/bench/src/main/python/zarr_write.py}), {@code --node} (the check's directory, default
 * {@code run/bench/src/main/node}; {@code npm ci} runs there if zarrita is missing).
 */
public final class ZarrWriteBench {

    /** The writer's defaults: 65,536 rows per chunk of 1-D arrays, one frame per chunk. */
    private static final Chunking CHUNKING = new Chunking(65_536, 1);
    private static final String DAQLAB_ZSTD1 = "daqlab v3 zstd 1";
    private static final String DAQLAB_ZSTD3 = "daqlab v3 zstd 3 (default)";
    private static final String DAQLAB_NONE = "daqlab v3 none";
    private static final String DAQLAB_NONE_SHARDS = "daqlab v3 none, shards of 100 frames";
    private static final String PYTHON_ZSTD1 = "zarr-python v2 zstd 1";
    private static final String PYTHON_ZSTD3 = "zarr-python v2 zstd 3";
    private static final String PYTHON_NONE = "zarr-python v2 none";
    private static final String RAW = "raw FileChannel";

    private ZarrWriteBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = WriteRounds.options(args);
        // absolute: the check runs in the node directory
        Path dir = Files.createDirectories(Path.of(options.getOrDefault("dir", "run/bench/target/zarr-bench"))).toAbsolutePath();
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "5"));
        int threads = Integer.parseInt(options.getOrDefault("threads",
                Integer.toString(Runtime.getRuntime().availableProcessors())));
        String python = options.getOrDefault("python", "/usr/bin/python3");
        Path script = Path.of(options.getOrDefault("script", "run/bench/src/main/python/zarr_write.py")).toAbsolutePath();
        Path node = Path.of(options.getOrDefault("node", "run/bench/src/main/node")).toAbsolutePath();
        if (!Files.isRegularFile(script) || !Files.isRegularFile(node.resolve("check_zarr.mjs"))) {
            throw new IllegalArgumentException(script + " or " + node.resolve("check_zarr.mjs")
                    + " not found: run from the repository root or pass --script and --node");
        }
        BenchFiles.installNodeReaders(node, "zarrita");
        System.out.println("Zarr write benchmark in " + dir + ", " + threads + " daqlab compression threads, "
                + Runtime.getRuntime().availableProcessors() + " processors");
        System.out.println("Machine load at the start: " + BenchMain.machineLoad());
        ExecutorService workers = Executors.newFixedThreadPool(threads, task -> {
            Thread t = new Thread(task, "daqlab-zarr-bench");
            t.setDaemon(true);
            return t;
        });
        try (BufferAllocator allocator = new RootAllocator()) {
            for (String name : options.getOrDefault("workloads", "frames,scalars,adc").split(",")) {
                try (Workload workload = Workloads.named(name, allocator, options)) {
                    Path manifest = ColumnFiles.export(workload, CHUNKING, dir);
                    List<Contender> all = new ArrayList<>(List.of(
                            new DaqlabZarrWrite(DAQLAB_ZSTD1, 3, "zstd", 1, CHUNKING, 0, workers, threads, allocator),
                            zarrPython(PYTHON_ZSTD1, python, script, manifest, "--compression zstd --level 1"),
                            new DaqlabZarrWrite(DAQLAB_ZSTD3, 3, "zstd", 0, CHUNKING, 0, workers, threads, allocator),
                            zarrPython(PYTHON_ZSTD3, python, script, manifest, "--compression zstd --level 3"),
                            new DaqlabZarrWrite(DAQLAB_NONE, 3, "none", 0, CHUNKING, 0, workers, threads, allocator),
                            zarrPython(PYTHON_NONE, python, script, manifest, "--compression none"),
                            new RawSequentialWrite()));
                    if (name.equals("frames")) {
                        // the same chunks in 10 files instead of 1,000: what creating a file per chunk costs
                        all.add(all.size() - 1, new DaqlabZarrWrite(DAQLAB_NONE_SHARDS, 3, "none", 0, CHUNKING, 100,
                                workers, threads, allocator));
                    }
                    List<Contender> contenders = WriteRounds.chosen(all, options.get("contenders"));
                    WriteReport report = WriteRounds.measure(workload, contenders, rounds, dir, "zarr",
                            store -> check(node, manifest, store));
                    report.print(System.out, comparisons(name));
                }
            }
        } finally {
            workers.shutdown();
        }
        System.out.println();
        System.out.println("Machine load at the end: " + BenchMain.machineLoad());
    }

    /** The goal (≥ 1.0× zarr-python with the same chunks and codec) for frames; the same ratios, without a goal, for the rest. */
    private static List<WriteReport.Comparison> comparisons(String workload) {
        double goal = workload.equals("frames") ? 1.0 : Double.NaN;
        return List.of(
                new WriteReport.Comparison(DAQLAB_ZSTD1, PYTHON_ZSTD1, goal),
                new WriteReport.Comparison(DAQLAB_ZSTD3, PYTHON_ZSTD3, goal),
                new WriteReport.Comparison(DAQLAB_NONE, PYTHON_NONE, Double.NaN),
                new WriteReport.Comparison(DAQLAB_NONE, RAW, Double.NaN),
                new WriteReport.Comparison(DAQLAB_NONE_SHARDS, RAW, Double.NaN));
    }

    private static PythonScriptWrite zarrPython(String label, String python, Path script, Path manifest, String options) {
        return new PythonScriptWrite(label, python, script, manifest, List.of(options.split(" ")));
    }

    /** Reads a store back with zarrita and compares it with the exported columns; throws if it differs. */
    private static void check(Path node, Path manifest, Path store) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("node", "check_zarr.mjs", manifest.toString(), store.toString())
                .directory(node.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("zarrita did not read " + store + " as exported: " + output);
        }
        System.out.print(output);
    }
}
