package org.daqlab.bench;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * HDF5 write benchmark: the same data written by daqlab's HDF5 writer, by h5py (libhdf5) and by a
 * raw sequential {@link java.nio.channels.FileChannel} write, in the same run, to the same file system.
 * Workloads ({@link Workloads}): 1,000 frames of 640×480 uint16 in batches of 10; a power meter's
 * 10 M rows (timestamp + float64) in batches of 1,000; an ADC's 10 M rows (timestamp + 8 float64
 * channels) in batches of 10,000. Every file uses chunks of one frame or 16,384 rows, with
 * shuffle + deflate level 1 or with no filter.
 *
 * <p>A plain measured main rather than JMH: one write is 0.2–0.7 GB and takes seconds, so a few
 * timed repetitions are the measurement and JIT warm-up is one round; the h5py baseline runs in
 * another process and times itself, which JMH cannot interleave with the Java contenders; and
 * interleaving matters here, because the machine is shared ({@link WriteRounds}). The warm-up round's
 * HDF5 files are read back with h5py ({@link Hdf5Check}), so every contender is known to write the same data.
 *
 * <p>Options: {@code --dir} (default {@code run/bench/target/hdf5-bench}; inputs for h5py and the
 * files written go there, each file deleted after it is measured), {@code --rounds} (measured, default
 * 5), {@code --workloads} (default {@code frames,scalars,adc}), {@code --frames} (1000),
 * {@code --rows} (rows of scalars and ADC, 10000000), {@code --threads} (daqlab's compression
 * workers, default one per processor as the writer's default), {@code --python}
 * ({@code /usr/bin/python3}), {@code --script} (default {@code run/bench/src/main/python/h5py_write.py}).
 */
public final class Hdf5WriteBench {

    private static final Chunking CHUNKING = new Chunking(16_384, 1);
    private static final String DAQLAB_DEFLATE = "daqlab deflate";
    private static final String DAQLAB_NONE = "daqlab none";
    private static final String H5PY_DEFLATE = "h5py deflate";
    private static final String H5PY_DEFLATE_WHOLE = "h5py deflate, one write per column";
    private static final String H5PY_NONE = "h5py none";
    private static final String H5PY_NONE_WHOLE = "h5py none, one write per column";
    private static final String RAW = "raw FileChannel";

    private Hdf5WriteBench() {
    }

    public static void main(String[] args) throws Exception {
        // jhdf logs every group and attribute it writes at INFO; keep the report readable
        System.setProperty("org.slf4j.simpleLogger.log.io.jhdf", "warn");
        Map<String, String> options = WriteRounds.options(args);
        Path dir = Files.createDirectories(Path.of(options.getOrDefault("dir", "run/bench/target/hdf5-bench")));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "5"));
        int threads = Integer.parseInt(options.getOrDefault("threads",
                Integer.toString(Runtime.getRuntime().availableProcessors())));
        String python = options.getOrDefault("python", "/usr/bin/python3");
        Path script = Path.of(options.getOrDefault("script", "run/bench/src/main/python/h5py_write.py"));
        if (!Files.isRegularFile(script)) {
            throw new IllegalArgumentException("h5py script " + script.toAbsolutePath()
                    + " not found: run from the repository root or pass --script");
        }
        System.out.println("HDF5 write benchmark in " + dir.toAbsolutePath() + ", " + threads
                + " daqlab compression threads, " + Runtime.getRuntime().availableProcessors() + " processors");
        System.out.println("Machine load at the start: " + BenchMain.machineLoad());
        ExecutorService workers = Executors.newFixedThreadPool(threads, task -> {
            Thread t = new Thread(task, "daqlab-hdf5-bench");
            t.setDaemon(true);
            return t;
        });
        try (BufferAllocator allocator = new RootAllocator()) {
            for (String name : options.getOrDefault("workloads", "frames,scalars,adc").split(",")) {
                try (Workload workload = Workloads.named(name, allocator, options)) {
                    Path manifest = ColumnFiles.export(workload, CHUNKING, dir);
                    List<Contender> all = List.of(
                            new DaqlabHdf5Write(DAQLAB_DEFLATE, "deflate", 1, true, CHUNKING, workers, threads, allocator),
                            h5py(H5PY_DEFLATE, python, script, manifest, "--compression gzip --level 1 --shuffle"),
                            h5py(H5PY_DEFLATE_WHOLE, python, script, manifest, "--compression gzip --level 1 --shuffle --writes whole"),
                            new DaqlabHdf5Write(DAQLAB_NONE, "none", 0, false, CHUNKING, workers, threads, allocator),
                            h5py(H5PY_NONE, python, script, manifest, "--compression none"),
                            h5py(H5PY_NONE_WHOLE, python, script, manifest, "--compression none --writes whole"),
                            new RawSequentialWrite());
                    List<Contender> contenders = WriteRounds.chosen(all, options.get("contenders"));
                    WriteReport report = WriteRounds.measure(workload, contenders, rounds, dir, "h5",
                            file -> Hdf5Check.check(python, script.getParent(), manifest, file));
                    report.print(System.out, comparisons(name));
                }
            }
        } finally {
            workers.shutdown();
        }
        System.out.println();
        System.out.println("Machine load at the end: " + BenchMain.machineLoad());
    }

    /** What each workload is judged by: the goals for frames; the same ratios, without a goal, for the rest. */
    private static List<WriteReport.Comparison> comparisons(String workload) {
        boolean frames = workload.equals("frames");
        return List.of(
                new WriteReport.Comparison(DAQLAB_DEFLATE, H5PY_DEFLATE, frames ? 1.5 : Double.NaN),
                new WriteReport.Comparison(DAQLAB_DEFLATE, H5PY_DEFLATE_WHOLE, Double.NaN),
                new WriteReport.Comparison(DAQLAB_NONE, RAW, frames ? 0.8 : Double.NaN),
                new WriteReport.Comparison(DAQLAB_NONE, H5PY_NONE, Double.NaN),
                new WriteReport.Comparison(DAQLAB_NONE, H5PY_NONE_WHOLE, Double.NaN));
    }

    private static PythonScriptWrite h5py(String label, String python, Path script, Path manifest, String options) {
        return new PythonScriptWrite(label, python, script, manifest, List.of(options.split(" ")));
    }
}
