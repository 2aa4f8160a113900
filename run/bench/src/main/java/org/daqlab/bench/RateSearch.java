package org.daqlab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The sustained-rate search: the platform of {@link Soak} with all six writers, the ADC's and the camera's rates
 * raised step by step (each step {@code --step-factor} times the last, from the distribution's own rates), each
 * step held {@code --step-secs}; a step is held when no record was lost, no writer failed, the instruments delivered
 * what was asked and no writer's lag kept growing (a writer that keeps up stays within a few batches of the newest
 * record; one whose lag grew by more than an eighth of the ring over the step and ends it more than a tenth of the
 * ring behind is falling behind, and would lose records once the ring laps it). The search ends at the
 * first step not held and reports the highest held one in MB/s against the raw disk speed measured in the same run
 * ({@link RawSequentialWrite}: 640×480 frames gathered into 4 MiB writes, then an fsync, in the output directory's
 * file system). Files are deleted as soon as they are completed: the search measures the writers, not the disk's size.
 */
final class RateSearch {

    /**
     * The factor (on {@link SoakLoad#DISTRIBUTION}'s ADC and camera rates) of the highest step held by the search in
     * RESULTS.md §10; {@link SoakLoad#SOAK_DEFAULT} runs at half of it.
     */
    static final double HIGHEST_HELD_FACTOR = 30.375;

    private RateSearch() {
    }

    record Step(int index, double factor, SoakLoad load, double inputMBps, double writtenMBps, long lost, double lagGrowthBytes,
            long endLagBytes, double deliveredShare, String failedWriter, boolean held, String why) {
    }

    static int run(Map<String, String> options, PrintStream out) throws Exception {
        Path root = Path.of(options.getOrDefault("root", ".")).toAbsolutePath().normalize();
        Path work = Soak.prepare(Path.of(options.getOrDefault("work", "run/bench/target/rate-search")).toAbsolutePath());
        double stepSeconds = Double.parseDouble(options.getOrDefault("step-secs", "60"));
        double factorStep = Double.parseDouble(options.getOrDefault("step-factor", "1.5"));
        int maxSteps = Integer.parseInt(options.getOrDefault("max-steps", "15"));
        double sampleSeconds = Double.parseDouble(options.getOrDefault("sample-secs", "5"));
        SoakLoad base = SoakLoad.DISTRIBUTION.with(options);
        double factor = Double.parseDouble(options.getOrDefault("start-factor", "1"));

        out.println("search: machine load at the start: " + BenchMain.machineLoad());
        double raw = rawDiskMBps(work.resolve("raw"), Integer.parseInt(options.getOrDefault("raw-frames", "500")),
                Integer.parseInt(options.getOrDefault("raw-rounds", "3")), out);

        Map<String, Path> dirs = Soak.configure(work, base.scaled(factor), (int) Math.max(1, Math.round(stepSeconds / 2)));
        List<Step> steps = new ArrayList<>();
        try (SoakPlatform platform = SoakPlatform.start(root, work, Soak.instances(), options.getOrDefault("java-opts", ""))) {
            JsonNode status = Soak.awaitReady(platform, base.scaled(factor));
            long capacity = status.path("ring").path("capacity_bytes").asLong();
            platform.startRun("search", Map.of("purpose", "sustained-rate search"));
            long t0 = System.nanoTime();
            for (int i = 0; i < maxSteps; i++, factor *= factorStep) {
                SoakLoad load = base.scaled(factor);
                load.writeConfigs(work.resolve("deploy"));
                awaitRates(platform, load);
                Step step = hold(platform, t0, i + 1, factor, load, stepSeconds, sampleSeconds, capacity, dirs);
                steps.add(step);
                out.printf(Locale.ROOT, "search: step %d ×%.2f %s: input %.1f MB/s, written %.1f MB/s, lost %d, lag growth %.1f MB"
                                + " (%.1f MB at the end)%s%n", step.index(), factor, load.describe(), step.inputMBps(), step.writtenMBps(),
                        step.lost(), step.lagGrowthBytes() / 1e6, step.endLagBytes() / 1e6, step.held() ? " — held" : " — NOT held: " + step.why());
                if (!step.held()) {
                    break;
                }
            }
            // back to the first step's rates, so that writers behind after a step not held can catch up and close
            base.scaled(Double.parseDouble(options.getOrDefault("start-factor", "1"))).writeConfigs(work.resolve("deploy"));
            platform.stopRun();
            Soak.awaitClosed(platform, t0, out);
            deleteCompleted(dirs, "");
            platform.stop();
        }
        out.println("search: machine load at the end: " + BenchMain.machineLoad());
        return report(work, options, steps, raw, stepSeconds, out);
    }

    /** Waits (at most 60 s) until the instruments publish the new rates, so that a step measures only its own load. */
    private static void awaitRates(SoakPlatform platform, SoakLoad load) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            boolean reached = true;
            for (JsonNode instrument : platform.status().path("instruments")) {
                double want = load.rowsPerSecond().getOrDefault(instrument.path("id").asText(), 0.0);
                double have = instrument.path("rows_per_second").asDouble();
                reached &= have >= 0.9 * want && have <= 1.1 * want;
            }
            if (reached) {
                return;
            }
            TimeUnit.SECONDS.sleep(1);
        }
        // not reached: the step's delivered share says so
    }

    private static Step hold(SoakPlatform platform, long t0, int index, double factor, SoakLoad load, double seconds,
            double sampleSeconds, long capacity, Map<String, Path> dirs) throws IOException, InterruptedException {
        List<SoakSample> samples = new ArrayList<>();
        long start = System.nanoTime();
        while (true) {
            try {
                samples.add(Soak.sample(platform, t0));
            } catch (java.net.http.HttpTimeoutException e) {
                return new Step(index, factor, load, 0, 0, 0, 0, 0, 0, null, false, "the platform's console did not answer within 30 s");
            }
            deleteCompleted(dirs, "search_");
            double elapsed = (System.nanoTime() - start) / 1e9;
            if (elapsed >= seconds) {
                break;
            }
            TimeUnit.NANOSECONDS.sleep((long) (Math.min(sampleSeconds, seconds - elapsed) * 1e9));
        }
        SoakSample a = samples.get(0);
        SoakSample b = samples.get(samples.size() - 1);
        double span = b.seconds() - a.seconds();
        double input = (b.ringBytes() - a.ringBytes()) / 1e6 / span;
        long writtenBytes = 0;
        String failed = null;
        for (Map.Entry<String, SoakSample.Writer> w : b.writers().entrySet()) {
            SoakSample.Writer before = a.writers().get(w.getKey());
            writtenBytes += w.getValue().bytesWritten() - (before == null ? 0 : before.bytesWritten());
            if ("FAILED".equals(w.getValue().state())) {
                failed = w.getKey() + ": " + w.getValue().lastError();
            }
        }
        // a writer's losses are its ring reader's: the ring's count is the same records, plus other readers' if any
        long lost = Math.max(b.writersLost() - a.writersLost(), b.ringLost() - a.ringLost()) + b.blockTimeouts() - a.blockTimeouts();
        List<String> behind = new ArrayList<>();
        for (Map.Entry<String, SoakSample.Writer> w : b.writers().entrySet()) {
            SoakSample.Writer before = a.writers().get(w.getKey());
            long writerLost = w.getValue().lost() - (before == null ? 0 : before.lost());
            if (writerLost > 0 || w.getValue().lagBytes() > capacity / 10) {
                behind.add(String.format(Locale.ROOT, "%s lost %d, %.0f MB behind", w.getKey(), writerLost, w.getValue().lagBytes() / 1e6));
            }
        }
        double lagGrowth = lagSlope(samples) * span;
        double delivered = 1;
        for (Map.Entry<String, Double> stream : load.rowsPerSecond().entrySet()) {
            double rows = b.published().getOrDefault(stream.getKey(), 0L) - a.published().getOrDefault(stream.getKey(), 0L);
            delivered = Math.min(delivered, rows / span / stream.getValue());
        }
        String why = lost > 0 ? lost + " records lost " + behind
                : failed != null ? "writer failed: " + failed
                : lagGrowth > capacity / 8.0 && b.maxLag() > capacity / 10 ? String.format(Locale.ROOT,
                        "a writer's lag grew by %.0f MB to %.0f MB of the %.0f MB ring %s", lagGrowth / 1e6, b.maxLag() / 1e6, capacity / 1e6,
                        behind)
                : delivered < 0.9 ? String.format(Locale.ROOT, "the instruments delivered only %.0f%% of the rows asked for", 100 * delivered)
                : "";
        return new Step(index, factor, load, input, writtenBytes / 1e6 / span, lost, lagGrowth, b.maxLag(), delivered, failed,
                why.isEmpty(), why);
    }

    /** Least-squares slope of the largest writer lag over the step, bytes per second. */
    private static double lagSlope(List<SoakSample> samples) {
        double n = samples.size();
        double st = 0, sl = 0, stt = 0, stl = 0;
        for (SoakSample s : samples) {
            st += s.seconds();
            sl += s.maxLag();
            stt += s.seconds() * s.seconds();
            stl += s.seconds() * s.maxLag();
        }
        double d = n * stt - st * st;
        return d == 0 ? 0 : (n * stl - st * sl) / d;
    }

    /** Deletes the files and stores that writers completed whose names start with {@code prefix}. */
    private static void deleteCompleted(Map<String, Path> dirs, String prefix) throws IOException {
        for (Path dir : dirs.values()) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(f -> f.getFileName().toString().startsWith(prefix)
                        && SoakFiles.isCompleted(f.getFileName().toString())).toList()) {
                    SoakFiles.delete(f);
                }
            }
        }
    }

    /** The raw disk speed, MB/s: the median of {@code rounds} writes of {@code frames} 640×480 uint16 frames, after one not counted. */
    static double rawDiskMBps(Path dir, int frames, int rounds, PrintStream out) throws Exception {
        Files.createDirectories(dir);
        List<Double> speeds = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator(); Workload workload = Workloads.frames(allocator, frames, 10)) {
            RawSequentialWrite raw = new RawSequentialWrite();
            for (int round = 0; round <= rounds; round++) {
                Path file = dir.resolve("raw-" + round + ".bin");
                Contender.Written written = raw.write(workload, file);
                Files.delete(file);
                double mbps = workload.bytes() / 1e6 / written.seconds();
                if (round > 0) {
                    speeds.add(mbps);
                }
                out.printf(Locale.ROOT, "search: raw sequential write of %.0f MB: %.2f s, %.0f MB/s%s%n", workload.bytes() / 1e6,
                        written.seconds(), mbps, round == 0 ? " (warm-up, not counted)" : "");
            }
        }
        speeds.sort(Double::compare);
        return speeds.get(speeds.size() / 2);
    }

    private static int report(Path work, Map<String, String> options, List<Step> steps, double raw, double stepSeconds, PrintStream out)
            throws IOException {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Raw sequential write (median): **%.0f MB/s**. Steps of %.0f s, all six writers:%n%n", raw, stepSeconds));
        md.append("| step | ×rate | load | input MB/s | written MB/s (6 writers) | written ÷ raw | lost | lag growth MB | lag at end MB | held |\n");
        md.append("|---:|---:|---|---:|---:|---:|---:|---:|---:|---|\n");
        Step best = null;
        for (Step s : steps) {
            md.append(String.format(Locale.ROOT, "| %d | %.2f | %s | %.1f | %.1f | %.2f | %d | %.1f | %.1f | %s |%n", s.index(), s.factor(),
                    s.load().describe(), s.inputMBps(), s.writtenMBps(), s.writtenMBps() / raw, s.lost(), s.lagGrowthBytes() / 1e6,
                    s.endLagBytes() / 1e6,
                    s.held() ? "yes" : "**no**: " + s.why()));
            if (s.held()) {
                best = s;
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("raw_disk_mb_per_second", raw);
        json.put("step_seconds", stepSeconds);
        json.put("steps", steps.stream().map(s -> Map.of("factor", s.factor(), "load", s.load().describe(), "input_mb_per_second", s.inputMBps(),
                "written_mb_per_second", s.writtenMBps(), "lost", s.lost(), "held", s.held(), "why", s.why())).toList());
        boolean ended = !steps.isEmpty() && !steps.get(steps.size() - 1).held();
        if (best != null) {
            md.append(String.format(Locale.ROOT, "%nHighest sustained rate with zero loss: step %d (×%.2f), %s: **%.1f MB/s in, %.1f MB/s written "
                            + "by six writers = %.2f × the raw disk speed**%s. The soak's default load is half of it: `--load-from %s`.%n",
                    best.index(), best.factor(), best.load().describe(), best.inputMBps(), best.writtenMBps(), best.writtenMBps() / raw,
                    ended ? "" : " (the search stopped at --max-steps before a step failed: the limit is higher)",
                    work.resolve("search.json")));
            json.put("highest_held_factor", best.factor());
            json.put("highest_held_load", best.load().describe());
            json.put("highest_held_input_mb_per_second", best.inputMBps());
            json.put("highest_held_written_mb_per_second", best.writtenMBps());
            json.put("limit_found", ended);
        } else {
            md.append("\nNo step was held: even the distribution's own rates lost records.\n");
        }
        Files.writeString(work.resolve("search.md"), md);
        SoakPlatform.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(work.resolve("search.json").toFile(), json);
        out.println();
        out.println(md);
        out.println("search: report in " + work.resolve("search.md") + " and " + work.resolve("search.json"));
        return best != null ? 0 : 1;
    }
}
