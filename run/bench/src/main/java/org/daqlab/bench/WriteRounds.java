package org.daqlab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The measuring loop the write benchmarks share ({@link Hdf5WriteBench}, {@link ArrowWriteBench}):
 * every round runs all contenders back to back, in reverse order every other round, so that load
 * from other work hits them alike and the per-round ratios stay meaningful. Round 0 is a warm-up,
 * not counted; each file it writes in the benchmark's format is checked, so every contender is known
 * to write the same data. Plus the command-line handling both mains use.
 */
final class WriteRounds {

    private WriteRounds() {
    }

    /** Checks a written file (and throws if it is wrong). */
    interface FileCheck {
        void check(Path file) throws Exception;
    }

    /**
     * Measures {@code rounds} rounds after a warm-up; each file (or store directory) is
     * {@code <workload>-<label>.<extension>} in {@code dir}, deleted after it is timed.
     */
    static WriteReport measure(Workload workload, List<Contender> contenders, int rounds, Path dir, String extension,
            FileCheck warmUpCheck) throws Exception {
        WriteReport report = new WriteReport(workload);
        for (int round = 0; round <= rounds; round++) {
            System.out.printf("%s round %d%s: %s%n", workload.name(), round, round == 0 ? " (warm-up)" : "",
                    BenchMain.machineLoad());
            List<Contender> order = new ArrayList<>(contenders);
            if (round % 2 == 1) {
                Collections.reverse(order);
            }
            for (Contender contender : order) {
                Path file = dir.resolve(workload.name() + "-" + contender.label().replaceAll("[^A-Za-z0-9]+", "-")
                        + "." + extension);
                delete(file);
                Contender.Written written = contender.write(workload, file);
                System.out.printf("  %-36s %7.3f s %7.0f MB/s  cpu %7.3f s  file %8.1f MB  %s%n", contender.label(),
                        written.seconds(), workload.bytes() / 1e6 / written.seconds(), written.cpuSeconds(),
                        written.fileBytes() / 1e6, written.phases());
                if (round == 0 && contender.writesFormat()) {
                    warmUpCheck.check(file);
                }
                delete(file);
                if (round > 0) {
                    report.add(contender.label(), written);
                }
            }
        }
        return report;
    }

    /** Deletes a written file, or a written store (a directory) with everything in it; nothing if there is none. */
    static void delete(Path file) throws IOException {
        if (!Files.isDirectory(file)) {
            Files.deleteIfExists(file);
            return;
        }
        try (Stream<Path> tree = Files.walk(file)) {
            for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** The bytes of a written file, or of every file in a written store (a directory). */
    static long size(Path file) throws IOException {
        if (!Files.isDirectory(file)) {
            return Files.size(file);
        }
        try (Stream<Path> tree = Files.walk(file)) {
            long bytes = 0;
            for (Path path : tree.filter(Files::isRegularFile).toList()) {
                bytes += Files.size(path);
            }
            return bytes;
        }
    }

    /** The contenders named in {@code --contenders} (labels, separated by semicolons: labels hold commas), or all of them. */
    static List<Contender> chosen(List<Contender> all, String names) {
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

    /** {@code --name value} pairs. */
    static Map<String, String> options(String[] args) {
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
