package org.daqlab.bench;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.openjdk.jmh.util.ListStatistics;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads the histogram logs {@link RecordLatency} wrote (one file per fork, one interval histogram
 * per measured burst) and prints, per configuration, the percentiles of all bursts merged and the
 * mean of the per-burst percentiles with its 99.9% confidence interval (JMH's error definition).
 */
public final class LatencyReport {

    static final String SUFFIX = ".hlog";
    private static final double[] PERCENTILES = {50, 99, 99.9};

    private LatencyReport() {
    }

    static void print(Path directory, PrintStream out) throws IOException {
        Map<String, List<Histogram>> bursts = new TreeMap<>();
        if (!Files.isDirectory(directory)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            String configuration = name.substring(0, name.lastIndexOf('@'));
            try (HistogramLogReader reader = new HistogramLogReader(file.toFile())) {
                EncodableHistogram next;
                while ((next = reader.nextIntervalHistogram()) != null) {
                    bursts.computeIfAbsent(configuration, k -> new ArrayList<>()).add((Histogram) next);
                }
            }
        }
        if (bursts.isEmpty()) {
            return;
        }
        out.println();
        out.println("Producer -> reader latency (HdrHistogram, µs), histograms in " + directory);
        out.println("Merged over all measured bursts; in brackets the mean of the per-burst values ± 99.9% CI.");
        out.println();
        out.println("| configuration | bursts | records | p50 | p99 | p99.9 | max |");
        out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, List<Histogram>> entry : bursts.entrySet()) {
            List<Histogram> list = entry.getValue();
            Histogram merged = new Histogram(list.get(0).getNumberOfSignificantValueDigits());
            list.forEach(merged::add);
            StringBuilder row = new StringBuilder("| " + entry.getKey().replace('@', ' ') + " | " + list.size()
                    + " | " + merged.getTotalCount() + " |");
            for (double percentile : PERCENTILES) {
                ListStatistics perBurst = new ListStatistics();
                list.forEach(h -> perBurst.addValue(h.getValueAtPercentile(percentile) / 1e3));
                String error = list.size() > 1 ? String.format("%.1f", perBurst.getMeanErrorAt(0.999)) : "n/a";
                row.append(String.format(" %.1f (%.1f ± %s) |", merged.getValueAtPercentile(percentile) / 1e3,
                        perBurst.getMean(), error));
            }
            row.append(String.format(" %.1f |", merged.getMaxValue() / 1e3));
            out.println(row);
        }
    }

    /** For a run whose report was lost: {@code java -cp benchmarks.jar org.daqlab.bench.LatencyReport DIR}. */
    public static void main(String[] args) throws IOException {
        print(Path.of(args[0]), System.out);
    }
}
