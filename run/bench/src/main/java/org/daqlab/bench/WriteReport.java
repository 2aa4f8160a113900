package org.daqlab.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the measured rounds of one workload in a write benchmark ({@link Hdf5WriteBench},
 * {@link ArrowWriteBench}) and prints them as Markdown
 * tables: per contender the median time, the range over the rounds, the median speed and the file
 * size; per comparison the speed ratio (the baseline's time ÷ daqlab's, so above 1 means daqlab is
 * faster), as the ratio of the medians and as the range of the ratios within each round (the
 * contenders of a round ran back to back, so those ratios see the same machine load).
 * MB are 10^6 bytes; speeds are the workload's value bytes per second. The CPU time shows what a
 * write costs independently of how much of the machine other work left it.
 */
final class WriteReport {

    /** A line of the comparison table; {@code goal} is NaN where the issue sets none. */
    record Comparison(String daqlab, String baseline, double goal) {
    }

    private final Workload workload;
    private final long bytes;
    private final Map<String, List<Contender.Written>> rounds = new LinkedHashMap<>();

    WriteReport(Workload workload) {
        this.workload = workload;
        this.bytes = workload.bytes();
    }

    void add(String contender, Contender.Written written) {
        rounds.computeIfAbsent(contender, c -> new ArrayList<>()).add(written);
    }

    void print(PrintStream out, List<Comparison> comparisons) {
        out.printf("%n### %s: %,d rows of %s, %.1f MB of values, %d measured rounds%n%n", workload.name(),
                workload.rows(), workload.descriptor().stream(), bytes / 1e6, rounds.values().iterator().next().size());
        out.println("| contender | median s | min – max s | MB/s (median) | CPU s (median) | file MB | file ÷ values |");
        out.println("|---|---:|---:|---:|---:|---:|---:|");
        rounds.forEach((contender, written) -> {
            double median = median(written.stream().map(Contender.Written::seconds).toList());
            double min = written.stream().mapToDouble(Contender.Written::seconds).min().orElseThrow();
            double max = written.stream().mapToDouble(Contender.Written::seconds).max().orElseThrow();
            double cpu = median(written.stream().map(Contender.Written::cpuSeconds).toList());
            long size = written.get(written.size() - 1).fileBytes();
            out.printf("| %s | %.3f | %.3f – %.3f | %.0f | %.2f | %.1f | %.3f |%n", contender, median, min, max,
                    bytes / 1e6 / median, cpu, size / 1e6, (double) size / bytes);
        });
        out.println();
        out.println("| daqlab | baseline | speed ratio (medians) | per-round ratios min – max | goal |");
        out.println("|---|---|---:|---:|---|");
        for (Comparison c : comparisons) {
            List<Contender.Written> ours = rounds.get(c.daqlab());
            List<Contender.Written> theirs = rounds.get(c.baseline());
            if (ours == null || theirs == null) {
                continue; // not among the chosen contenders
            }
            List<Double> perRound = new ArrayList<>();
            for (int i = 0; i < ours.size(); i++) {
                perRound.add(theirs.get(i).seconds() / ours.get(i).seconds());
            }
            double ratio = median(theirs.stream().map(Contender.Written::seconds).toList())
                    / median(ours.stream().map(Contender.Written::seconds).toList());
            String goal = Double.isNaN(c.goal()) ? "" : String.format("≥ %.1f: %s", c.goal(), ratio >= c.goal() ? "met" : "missed");
            out.printf("| %s | %s | %.2f | %.2f – %.2f | %s |%n", c.daqlab(), c.baseline(), ratio,
                    perRound.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                    perRound.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), goal);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
