package org.daqlab.bench;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.daqlab.api.data.FixedShapeTensorType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Arrow IPC write benchmark: the workloads of {@link Hdf5WriteBench} ({@link Workloads}: 1,000
 * frames of 640×480 uint16 in batches of 10; a power meter's 10 M rows in batches of 1,000; an ADC's
 * 10 M rows of 8 channels in batches of 10,000) written by daqlab's Arrow writer, uncompressed (stream
 * and file format), with ZSTD level 1 and with LZ4 frames, against a raw sequential
 * {@link java.nio.channels.FileChannel} write of the same values, in the same run, to the same file
 * system. Rounds interleave the contenders ({@link WriteRounds}); the warm-up round's files are
 * read back with Arrow Java and compared batch by batch ({@link ArrowCheck}).
 *
 * <p>Options: {@code --dir} (default {@code run/bench/target/arrow-bench}; each file is deleted after
 * it is measured), {@code --rounds} (measured, default 5), {@code --workloads} (default
 * {@code frames,scalars,adc}), {@code --frames} (1000), {@code --rows} (rows of scalars and ADC,
 * 10000000), {@code --contenders} (labels, ';'-separated; default all).
 */
public final class ArrowWriteBench {

    private static final String NONE = "arrow none";
    private static final String NONE_FILE = "arrow none, file format";
    private static final String ZSTD = "arrow zstd 1";
    private static final String LZ4 = "arrow lz4_frame";
    private static final String RAW = "raw FileChannel";

    private ArrowWriteBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = WriteRounds.options(args);
        Path dir = Files.createDirectories(Path.of(options.getOrDefault("dir", "run/bench/target/arrow-bench")));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "5"));
        FixedShapeTensorType.register(); // frames read back as tensors
        System.out.println("Arrow IPC write benchmark in " + dir.toAbsolutePath() + ", "
                + Runtime.getRuntime().availableProcessors() + " processors");
        System.out.println("Machine load at the start: " + BenchMain.machineLoad());
        try (BufferAllocator allocator = new RootAllocator()) {
            for (String name : options.getOrDefault("workloads", "frames,scalars,adc").split(",")) {
                try (Workload workload = Workloads.named(name, allocator, options)) {
                    List<Contender> all = List.of(
                            new DaqlabArrowWrite(NONE, "stream", "none", 0, allocator),
                            new DaqlabArrowWrite(NONE_FILE, "file", "none", 0, allocator),
                            new DaqlabArrowWrite(ZSTD, "stream", "zstd", 1, allocator),
                            new DaqlabArrowWrite(LZ4, "stream", "lz4_frame", 0, allocator),
                            new RawSequentialWrite());
                    List<Contender> contenders = WriteRounds.chosen(all, options.get("contenders"));
                    // one extension for both formats: it does not change what is timed, and the check tells them apart
                    WriteReport report = WriteRounds.measure(workload, contenders, rounds, dir, "arrow",
                            file -> ArrowCheck.check(workload, file, allocator));
                    report.print(System.out, List.of(
                            new WriteReport.Comparison(NONE, RAW, 0.8),
                            new WriteReport.Comparison(NONE_FILE, RAW, 0.8),
                            new WriteReport.Comparison(ZSTD, RAW, Double.NaN),
                            new WriteReport.Comparison(LZ4, RAW, Double.NaN)));
                }
            }
        }
        System.out.println();
        System.out.println("Machine load at the end: " + BenchMain.machineLoad());
    }
}
