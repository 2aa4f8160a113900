package org.daqlab.bench;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.daqlab.api.data.FixedShapeTensorType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * TIFF write benchmark: the frames workload of the other write benchmarks ({@link Workloads}: 1,000
 * frames of 640×480 uint16 in batches of 10) written by daqlab's TIFF writer, uncompressed and with
 * deflate levels 1 and 6 and the horizontal predictor (strips of 64 KiB, compressed on the writer's
 * worker threads), against a raw sequential {@link java.nio.channels.FileChannel} write of the same
 * values and against tifffile writing the same frames batch by batch with the same settings
 * (tifffile_write.py: zlib strips of 64 KB, its compression threads set to the writer's), in the same
 * run, to the same file system. Rounds interleave the contenders ({@link WriteRounds}); the warm-up
 * round's TIFF files are read back with tifffile and compared with the frames (tiff_check.py).
 *
 * <p>Options: {@code --dir} (default {@code run/bench/target/tiff-bench}; each file is deleted after it
 * is measured), {@code --rounds} (measured, default 5), {@code --frames} (1000), {@code --threads}
 * (compression workers, both writers; default one per processor, as the writer's default),
 * {@code --python} ({@code /usr/bin/python3}), {@code --scripts} (default {@code run/bench/src/main/python}),
 * {@code --contenders} (labels, ';'-separated; default all).
 */
public final class TiffWriteBench {

    private static final String NONE = "tiff none";
    private static final String DEFLATE_1 = "tiff deflate 1 + predictor";
    private static final String DEFLATE_6 = "tiff deflate 6 + predictor";
    private static final String TIFFFILE_NONE = "tifffile none";
    private static final String TIFFFILE_1 = "tifffile zlib 1 + predictor";
    private static final String TIFFFILE_6 = "tifffile zlib 6 + predictor";
    private static final String RAW = "raw FileChannel";

    private TiffWriteBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = WriteRounds.options(args);
        Path dir = Files.createDirectories(Path.of(options.getOrDefault("dir", "run/bench/target/tiff-bench")));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "5"));
        int threads = Integer.parseInt(options.getOrDefault("threads",
                Integer.toString(Runtime.getRuntime().availableProcessors())));
        String python = options.getOrDefault("python", "/usr/bin/python3");
        Path scripts = Path.of(options.getOrDefault("scripts", "run/bench/src/main/python"));
        Path write = scripts.resolve("tifffile_write.py");
        Path check = scripts.resolve("tiff_check.py");
        if (!Files.isRegularFile(write) || !Files.isRegularFile(check)) {
            throw new IllegalArgumentException("tifffile scripts not found in " + scripts.toAbsolutePath()
                    + ": run from the repository root or pass --scripts");
        }
        FixedShapeTensorType.register();
        System.out.println("TIFF write benchmark in " + dir.toAbsolutePath() + ", "
                + Runtime.getRuntime().availableProcessors() + " processors, " + threads + " compression threads");
        System.out.println("Machine load at the start: " + BenchMain.machineLoad());
        String workers = "--workers " + threads;
        try (BufferAllocator allocator = new RootAllocator();
             Workload workload = Workloads.named("frames", allocator, options)) {
            Path manifest = ColumnFiles.export(workload, new Chunking(1, 1), dir);
            List<DaqlabTiffWrite> ours = List.of(
                    new DaqlabTiffWrite(NONE, "none", 1, false, threads, allocator),
                    new DaqlabTiffWrite(DEFLATE_1, "deflate", 1, true, threads, allocator),
                    new DaqlabTiffWrite(DEFLATE_6, "deflate", 6, true, threads, allocator));
            List<Contender> all = new ArrayList<>(ours);
            all.add(tifffile(TIFFFILE_NONE, python, write, manifest, "--compression none " + workers));
            all.add(tifffile(TIFFFILE_1, python, write, manifest, "--compression zlib --level 1 --predictor " + workers));
            all.add(tifffile(TIFFFILE_6, python, write, manifest, "--compression zlib --level 6 --predictor " + workers));
            all.add(new RawSequentialWrite());
            try {
                List<Contender> contenders = WriteRounds.chosen(all, options.get("contenders"));
                WriteReport report = WriteRounds.measure(workload, contenders, rounds, dir, "tif",
                        file -> TiffCheck.check(python, check, workload, file));
                report.print(System.out, List.of(
                        new WriteReport.Comparison(NONE, RAW, 0.8),
                        new WriteReport.Comparison(NONE, TIFFFILE_NONE, Double.NaN),
                        new WriteReport.Comparison(DEFLATE_1, TIFFFILE_1, Double.NaN),
                        new WriteReport.Comparison(DEFLATE_6, TIFFFILE_6, Double.NaN),
                        new WriteReport.Comparison(DEFLATE_1, RAW, Double.NaN),
                        new WriteReport.Comparison(DEFLATE_6, RAW, Double.NaN)));
            } finally {
                for (DaqlabTiffWrite contender : ours) {
                    contender.close();
                }
            }
        }
        System.out.println();
        System.out.println("Machine load at the end: " + BenchMain.machineLoad());
    }

    private static PythonScriptWrite tifffile(String label, String python, Path script, Path manifest, String options) {
        return new PythonScriptWrite(label, python, script, manifest, List.of(options.split(" ")));
    }
}
