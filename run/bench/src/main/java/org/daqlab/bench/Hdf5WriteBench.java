package org.daqlab.bench;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
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
 * interleaving matters here, because the machine is shared: every round runs all contenders back to
 * back (in reverse order every other round), so that load from other work hits them alike and the
 * per-round ratios stay meaningful. Round 0 is a warm-up and not counted; each HDF5 file it writes is
 * read back with h5py ({@link Hdf5Check}), so every contender is known to write the same data.
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
        Map<String, String> options = options(args);
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
                try (Workload workload = workload(name, allocator, options)) {
                    Path manifest = ColumnFiles.export(workload, CHUNKING, dir);
                    List<Contender> all = List.of(
                            new DaqlabHdf5Write(DAQLAB_DEFLATE, "deflate", 1, true, CHUNKING, workers, threads, allocator),
                            h5py(H5PY_DEFLATE, python, script, manifest, "--compression gzip --level 1 --shuffle"),
                            h5py(H5PY_DEFLATE_WHOLE, python, script, manifest, "--compression gzip --level 1 --shuffle --writes whole"),
                            new DaqlabHdf5Write(DAQLAB_NONE, "none", 0, false, CHUNKING, workers, threads, allocator),
                            h5py(H5PY_NONE, python, script, manifest, "--compression none"),
                            h5py(H5PY_NONE_WHOLE, python, script, manifest, "--compression none --writes whole"),
                            new RawSequentialWrite());
                    List<Contender> contenders = chosen(all, options.get("contenders"));
                    Hdf5Report report = measure(workload, contenders, rounds, dir,
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

    /** The contenders named in {@code --contenders} (labels, separated by semicolons: labels hold commas), or all of them. */
    private static List<Contender> chosen(List<Contender> all, String names) {
        if (names == null) {
            return all;
        }
        List<String> wanted = List.of(names.split(";"));
        List<Contender> chosen = all.stream().filter(c -> wanted.contains(c.label())).toList();
        if (chosen.size() != wanted.size()) {
            throw new IllegalArgumentException("--contenders " + names + ": known are "
                    + all.stream().map(Contender::label).toList());
        }
        return chosen;
    }

    /** Checks a written file (and throws if it is wrong). */
    private interface FileCheck {
        void check(Path file) throws Exception;
    }

    private static Hdf5Report measure(Workload workload, List<Contender> contenders, int rounds, Path dir,
            FileCheck warmUpCheck) throws Exception {
        Hdf5Report report = new Hdf5Report(workload);
        for (int round = 0; round <= rounds; round++) {
            System.out.printf("%s round %d%s: %s%n", workload.name(), round, round == 0 ? " (warm-up)" : "",
                    BenchMain.machineLoad());
            List<Contender> order = new ArrayList<>(contenders);
            if (round % 2 == 1) {
                Collections.reverse(order);
            }
            for (Contender contender : order) {
                Path file = dir.resolve(workload.name() + "-" + contender.label().replaceAll("[^A-Za-z0-9]+", "-") + ".h5");
                Files.deleteIfExists(file);
                Contender.Written written = contender.write(workload, file);
                System.out.printf("  %-36s %7.3f s %7.0f MB/s  cpu %7.3f s  file %8.1f MB  %s%n", contender.label(),
                        written.seconds(), workload.bytes() / 1e6 / written.seconds(), written.cpuSeconds(),
                        written.fileBytes() / 1e6, written.phases());
                if (round == 0 && contender.writesHdf5()) {
                    warmUpCheck.check(file);
                }
                Files.delete(file);
                if (round > 0) {
                    report.add(contender.label(), written);
                }
            }
        }
        return report;
    }

    /** What each workload is judged by: the goals for frames; the same ratios, without a goal, for the rest. */
    private static List<Hdf5Report.Comparison> comparisons(String workload) {
        boolean frames = workload.equals("frames");
        return List.of(
                new Hdf5Report.Comparison(DAQLAB_DEFLATE, H5PY_DEFLATE, frames ? 1.5 : Double.NaN),
                new Hdf5Report.Comparison(DAQLAB_DEFLATE, H5PY_DEFLATE_WHOLE, Double.NaN),
                new Hdf5Report.Comparison(DAQLAB_NONE, RAW, frames ? 0.8 : Double.NaN),
                new Hdf5Report.Comparison(DAQLAB_NONE, H5PY_NONE, Double.NaN),
                new Hdf5Report.Comparison(DAQLAB_NONE, H5PY_NONE_WHOLE, Double.NaN));
    }

    private static Workload workload(String name, BufferAllocator allocator, Map<String, String> options) {
        int rows = Integer.parseInt(options.getOrDefault("rows", "10000000"));
        return switch (name) {
            case "frames" -> Workloads.frames(allocator, Integer.parseInt(options.getOrDefault("frames", "1000")), 10);
            case "scalars" -> Workloads.scalars(allocator, rows, 1_000);
            case "adc" -> Workloads.adc(allocator, rows, 10_000, 8);
            default -> throw new IllegalArgumentException("workload '" + name + "' is not one of frames, scalars, adc");
        };
    }

    private static H5pyWrite h5py(String label, String python, Path script, Path manifest, String options) {
        return new H5pyWrite(label, python, script, manifest, List.of(options.split(" ")));
    }

    /** {@code --name value} pairs. */
    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args));
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }
}
