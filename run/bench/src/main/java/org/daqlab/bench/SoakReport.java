package org.daqlab.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Judges a soak from its samples and the readers' counts: nothing lost (writers' and ring readers' counters, and every
 * published row in every writer's files), memory bounded (the heap's floor — its level after collections — and the
 * anonymous resident set size outside the heap in the last window against the first after warm-up; threads and open files likewise), and
 * throughput steady (rows/s of each writer per window, coefficient of variation). Prints Markdown tables for
 * RESULTS.md and gives the same numbers as a map for the JSON report.
 */
final class SoakReport {

    /**
     * The bounds a soak must stay within.
     *
     * @param warmupSeconds   the start that memory windows leave out (JIT, heap sizing, first files)
     * @param heapGrowth      the last window's heap floor may exceed the first's by this share …
     * @param rssGrowth       … the last window's largest anonymous RSS outside the heap the first's by this share …
     * @param slackBytes      … plus this many bytes (both), so that small heaps are not judged by noise
     * @param threadSlack     more threads allowed in the last window than in the first
     * @param fileSlack       more open files allowed in the last window than in the first
     * @param windowSeconds   length of a throughput window
     * @param maxVariation    largest coefficient of variation of a writer's rows/s across windows
     */
    record Bounds(double warmupSeconds, double heapGrowth, double rssGrowth, long slackBytes, int threadSlack,
            int fileSlack, double windowSeconds, double maxVariation) {
    }

    private final List<String> failures = new ArrayList<>();
    private final Map<String, Object> json = new LinkedHashMap<>();
    private final StringBuilder markdown = new StringBuilder();

    /**
     * @param samples   from the run's start to its stop, in order (at least two)
     * @param published rows published per stream during the run (the run's stop document)
     * @param inFiles   writer → stream → rows the independent readers found
     * @param expected  writer → the streams its files must hold
     * @param final_    the last sample, after every writer closed its files
     */
    SoakReport(SoakLoad load, Bounds bounds, List<SoakSample> samples, Map<String, Long> published,
            Map<String, Map<String, Long>> inFiles, Map<String, Set<String>> expected, List<String> readErrors,
            int files, long fileBytes, SoakSample final_, int platformExit) {
        SoakSample first = samples.get(0);
        SoakSample stop = samples.get(samples.size() - 1);
        double seconds = stop.seconds() - first.seconds();
        double inputMBps = (stop.ringBytes() - first.ringBytes()) / 1e6 / seconds;
        json.put("load", load.describe());
        json.put("seconds", seconds);
        json.put("input_mb_per_second", inputMBps);
        json.put("published", published);
        markdown.append(String.format(Locale.ROOT, "Load: %s; measured input %.1f MB/s into the ring, %.0f s, %d samples.%n%n",
                load.describe(), inputMBps, seconds, samples.size()));

        records(published, inFiles, expected, readErrors, files, fileBytes, final_, first, stop, seconds);
        memory(bounds, samples);
        throughput(bounds, samples);
        // 143 = 128 + SIGTERM: how the JVM ends after its shutdown hook stopped the framework
        if (platformExit != 0 && platformExit != 143) {
            failures.add("run/daqlab exited with " + platformExit + " after SIGTERM");
        }
        json.put("platform_exit_code", platformExit);
        json.put("failures", failures);
        markdown.append(failures.isEmpty() ? "**Result: passed** — zero records lost, memory bounded, throughput steady.\n"
                : "**Result: FAILED**\n" + String.join("\n", failures.stream().map(f -> "- " + f).toList()) + "\n");
    }

    boolean passed() {
        return failures.isEmpty();
    }

    String markdown() {
        return markdown.toString();
    }

    Map<String, Object> json() {
        return json;
    }

    private void records(Map<String, Long> published, Map<String, Map<String, Long>> inFiles, Map<String, Set<String>> expected,
            List<String> readErrors, int files, long fileBytes, SoakSample last, SoakSample first, SoakSample stop, double seconds) {
        markdown.append("| writer | state | rows published → in its files (independent readers) | lost (writer) | MB/s written |\n");
        markdown.append("|---|---|---|---:|---:|\n");
        Map<String, Object> writers = new TreeMap<>();
        long lostTotal = 0;
        for (Map.Entry<String, Set<String>> w : expected.entrySet()) {
            SoakSample.Writer end = last.writers().get(w.getKey());
            SoakSample.Writer start = first.writers().get(w.getKey());
            SoakSample.Writer running = stop.writers().get(w.getKey());
            Map<String, Long> found = inFiles.getOrDefault(w.getKey(), Map.of());
            List<String> perStream = new ArrayList<>();
            long missing = 0;
            for (String stream : w.getValue()) {
                long want = published.getOrDefault(stream, 0L);
                long got = found.getOrDefault(stream, 0L);
                perStream.add(stream + " " + want + (want == got ? " = " : " ≠ ") + got);
                if (want != got) {
                    failures.add("writer " + w.getKey() + ": stream " + stream + " published " + want + " rows, its files hold " + got);
                }
                missing += Math.abs(want - got);
            }
            long lost = end == null ? -1 : end.lost();
            if (end == null) {
                failures.add("writer " + w.getKey() + " is not in the status");
            } else if (lost != 0) {
                failures.add("writer " + w.getKey() + " lost or did not write " + lost + " records (" + end.lastError() + ")");
            } else if ("FAILED".equals(end.state()) || end.lastError() != null) {
                failures.add("writer " + w.getKey() + " is " + end.state() + ": " + end.lastError());
            }
            double mbps = running == null || start == null ? 0 : (running.bytesWritten() - start.bytesWritten()) / 1e6 / seconds;
            markdown.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.1f |%n", w.getKey(), end == null ? "?" : end.state(),
                    String.join(", ", perStream), lost, mbps));
            lostTotal += Math.max(0, lost) + missing;
            writers.put(w.getKey(), Map.of("state", end == null ? "?" : end.state(), "lost", lost, "rows_in_files", found,
                    "mb_per_second", mbps));
        }
        if (last.ringLost() != 0) {
            failures.add("the ring's readers lost " + last.ringLost() + " records");
        }
        if (last.blockTimeouts() != 0) {
            failures.add(last.blockTimeouts() + " producers timed out waiting for the ring");
        }
        readErrors.forEach(e -> failures.add("unreadable: " + e));
        // a writer's losses are its ring reader's: the ring's count is the same records, plus other readers' if any
        lostTotal = Math.max(lostTotal, last.ringLost()) + last.blockTimeouts() + readErrors.size();
        markdown.append(String.format(Locale.ROOT, "%nRing readers lost %d records, %d block timeouts; %d files (%.2f GB) read back, "
                + "%d unreadable. **Records lost: %d.**%n%n", last.ringLost(), last.blockTimeouts(), files, fileBytes / 1e9,
                readErrors.size(), lostTotal));
        json.put("writers", writers);
        json.put("ring_records_lost", last.ringLost());
        json.put("files_read", files);
        json.put("unreadable_files", readErrors);
        json.put("records_lost", lostTotal);
    }

    private void memory(Bounds bounds, List<SoakSample> samples) {
        double end = samples.get(samples.size() - 1).seconds();
        double warmup = Math.min(bounds.warmupSeconds(), end / 4);
        double window = Math.max((end - warmup) * 0.2, 1e-9);
        List<SoakSample> firstWindow = samples.stream().filter(s -> s.seconds() >= warmup && s.seconds() <= warmup + window).toList();
        List<SoakSample> lastWindow = samples.stream().filter(s -> s.seconds() >= end - window).toList();
        if (firstWindow.isEmpty() || lastWindow.isEmpty()) {
            failures.add("too few samples to judge memory (" + samples.size() + ")");
            return;
        }
        markdown.append(String.format(Locale.ROOT, "Memory (first window %.0f–%.0f s after the %.0f s warm-up, last window %.0f–%.0f s):%n%n",
                warmup, warmup + window, warmup, end - window, end));
        markdown.append("| | first window | last window | max | bound (last window) |\n|---|---:|---:|---:|---:|\n");
        Map<String, Object> memory = new LinkedHashMap<>();
        double heapFirst = min(firstWindow, SoakSample::heapUsed);
        double heapLast = min(lastWindow, SoakSample::heapUsed);
        double heapBound = heapFirst * (1 + bounds.heapGrowth()) + bounds.slackBytes();
        row("heap used, floor (MB)", heapFirst / 1e6, heapLast / 1e6, max(samples, SoakSample::heapUsed) / 1e6, heapBound / 1e6, memory);
        row("heap committed (MB)", max(firstWindow, SoakSample::heapCommitted) / 1e6, max(lastWindow, SoakSample::heapCommitted) / 1e6,
                max(samples, SoakSample::heapCommitted) / 1e6, Double.NaN, memory);
        // The ring file's pages count in the RSS as they are first touched, until the ring has wrapped once (bounded by
        // its capacity), and the heap's as G1 grows the heap towards its maximum (the heap floor above judges the heap).
        // What a native leak grows is the anonymous memory outside the heap: direct and Netty buffers, threads, code.
        row("RSS (MB)", max(firstWindow, SoakSample::rssBytes) / 1e6, max(lastWindow, SoakSample::rssBytes) / 1e6,
                max(samples, SoakSample::rssBytes) / 1e6, Double.NaN, memory);
        row("RSS anonymous (MB)", max(firstWindow, SoakSample::anonBytes) / 1e6, max(lastWindow, SoakSample::anonBytes) / 1e6,
                max(samples, SoakSample::anonBytes) / 1e6, Double.NaN, memory);
        ToDoubleFunction<SoakSample> outsideHeap = s -> s.anonBytes() - s.heapCommitted();
        double rssFirst = max(firstWindow, outsideHeap);
        double rssLast = max(lastWindow, outsideHeap);
        double rssBound = rssFirst * (1 + bounds.rssGrowth()) + bounds.slackBytes();
        row("RSS anonymous outside the heap (MB)", rssFirst / 1e6, rssLast / 1e6, max(samples, outsideHeap) / 1e6, rssBound / 1e6, memory);
        row("direct buffers (MB)", max(firstWindow, SoakSample::directBytes) / 1e6, max(lastWindow, SoakSample::directBytes) / 1e6,
                max(samples, SoakSample::directBytes) / 1e6, Double.NaN, memory);
        double threadsFirst = max(firstWindow, SoakSample::threads);
        double threadsLast = max(lastWindow, SoakSample::threads);
        row("threads", threadsFirst, threadsLast, max(samples, SoakSample::threads), threadsFirst + bounds.threadSlack(), memory);
        double filesFirst = max(firstWindow, SoakSample::openFiles);
        double filesLast = max(lastWindow, SoakSample::openFiles);
        row("open files", filesFirst, filesLast, max(samples, SoakSample::openFiles), filesFirst + bounds.fileSlack(), memory);
        row("ring fill (%)", 100 * max(firstWindow, SoakSample::ringFill), 100 * max(lastWindow, SoakSample::ringFill),
                100 * max(samples, SoakSample::ringFill), Double.NaN, memory);
        row("writer lag, largest (MB)", max(firstWindow, SoakSample::maxLag) / 1e6, max(lastWindow, SoakSample::maxLag) / 1e6,
                max(samples, SoakSample::maxLag) / 1e6, Double.NaN, memory);
        markdown.append('\n');
        if (heapLast > heapBound) {
            failures.add(String.format(Locale.ROOT, "heap floor grew from %.0f MB to %.0f MB (bound %.0f MB)", heapFirst / 1e6, heapLast / 1e6, heapBound / 1e6));
        }
        if (min(samples, SoakSample::anonBytes) < 0) {
            failures.add("no RSS: /proc/<pid>/status unreadable");
        } else if (rssLast > rssBound) {
            failures.add(String.format(Locale.ROOT, "anonymous RSS outside the heap grew from %.0f MB to %.0f MB (bound %.0f MB)", rssFirst / 1e6, rssLast / 1e6, rssBound / 1e6));
        }
        if (threadsLast > threadsFirst + bounds.threadSlack()) {
            failures.add(String.format(Locale.ROOT, "threads grew from %.0f to %.0f", threadsFirst, threadsLast));
        }
        if (filesLast > filesFirst + bounds.fileSlack()) {
            failures.add(String.format(Locale.ROOT, "open files grew from %.0f to %.0f", filesFirst, filesLast));
        }
        json.put("memory", memory);
    }

    private void row(String what, double first, double last, double max, double bound, Map<String, Object> memory) {
        markdown.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %s |%n", what, first, last, max,
                Double.isNaN(bound) ? "" : String.format(Locale.ROOT, "≤ %.1f", bound)));
        memory.put(what, Map.of("first", first, "last", last, "max", max, "bound", Double.isNaN(bound) ? "none" : bound));
    }

    /** Rows/s of each writer per window; the first window (writers opening their files) is shown but not judged. */
    private void throughput(Bounds bounds, List<SoakSample> samples) {
        double end = samples.get(samples.size() - 1).seconds();
        int windows = (int) Math.floor(end / bounds.windowSeconds());
        Map<String, Object> perWriter = new TreeMap<>();
        if (windows < 3) {
            markdown.append(String.format(Locale.ROOT, "Throughput: %.0f s is fewer than three %.0f-s windows; not judged.%n%n", end, bounds.windowSeconds()));
            json.put("throughput", perWriter);
            return;
        }
        markdown.append(String.format(Locale.ROOT, "Throughput, rows/s handed to each writer per %.0f-s window (the first, when files open, is not judged):%n%n", bounds.windowSeconds()));
        StringBuilder header = new StringBuilder("| writer |");
        StringBuilder rule = new StringBuilder("|---|");
        for (int k = 0; k < windows; k++) {
            header.append(String.format(Locale.ROOT, " %.0f–%.0f s |", k * bounds.windowSeconds(), (k + 1) * bounds.windowSeconds()));
            rule.append("---:|");
        }
        markdown.append(header).append(" mean | CV |\n").append(rule).append("---:|---:|\n");
        for (String writer : samples.get(samples.size() - 1).writers().keySet()) {
            List<Double> rates = new ArrayList<>();
            for (int k = 0; k < windows; k++) {
                double a = rowsAt(samples, writer, k * bounds.windowSeconds());
                double b = rowsAt(samples, writer, (k + 1) * bounds.windowSeconds());
                rates.add((b - a) / bounds.windowSeconds());
            }
            List<Double> judged = rates.subList(1, rates.size());
            double mean = judged.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            double variance = judged.stream().mapToDouble(r -> (r - mean) * (r - mean)).sum() / Math.max(1, judged.size() - 1);
            double cv = mean == 0 ? Double.NaN : Math.sqrt(variance) / mean;
            StringBuilder line = new StringBuilder("| " + writer + " |");
            rates.forEach(r -> line.append(String.format(Locale.ROOT, " %.0f |", r)));
            markdown.append(line).append(String.format(Locale.ROOT, " %.0f | %.3f |%n", mean, cv));
            perWriter.put(writer, Map.of("rows_per_second", rates, "mean", mean, "cv", Double.isNaN(cv) ? -1 : cv));
            if (!(cv <= bounds.maxVariation())) {
                failures.add(String.format(Locale.ROOT, "writer %s: rows/s varied by CV %.3f across windows (bound %.2f)", writer, cv, bounds.maxVariation()));
            }
        }
        markdown.append('\n');
        json.put("throughput", perWriter);
    }

    /** A writer's rows at {@code t}, interpolated between the samples around it. */
    private static double rowsAt(List<SoakSample> samples, String writer, double t) {
        SoakSample before = samples.get(0);
        for (SoakSample s : samples) {
            if (s.seconds() >= t) {
                double r0 = rows(before, writer);
                double r1 = rows(s, writer);
                double span = s.seconds() - before.seconds();
                return span <= 0 ? r1 : r0 + (r1 - r0) * (t - before.seconds()) / span;
            }
            before = s;
        }
        return rows(before, writer);
    }

    private static double rows(SoakSample s, String writer) {
        SoakSample.Writer w = s.writers().get(writer);
        return w == null ? 0 : w.rows();
    }

    private static double min(List<SoakSample> samples, ToDoubleFunction<SoakSample> f) {
        return samples.stream().mapToDouble(f).min().orElse(Double.NaN);
    }

    private static double max(List<SoakSample> samples, ToDoubleFunction<SoakSample> f) {
        return samples.stream().mapToDouble(f).max().orElse(Double.NaN);
    }
}
