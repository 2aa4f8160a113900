package org.daqlab.core.internal;

import org.daqlab.api.run.RunControl;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.storage.FileStats;
import org.daqlab.api.storage.StorageStatus;
import org.daqlab.api.storage.StorageWriter;
import org.daqlab.api.storage.WriterState;
import org.daqlab.api.storage.WriterStats;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The launcher's one-shot mode ({@code run/daqlab --duration SECONDS}): once the framework has
 * started, checks that the requested writers exist, runs one acquisition of the given length,
 * prints a summary (files, rows, bytes, MB/s, records lost) and shuts the platform down with an
 * exit code: 0 when everything was written, 1 when a writer failed or records were lost, 2 for a
 * usage error such as an unknown writer name.
 *
 * <p>Does nothing unless the framework property {@value #DURATION_PROPERTY} is set.
 */
@Component(immediate = true)
public final class TimedAcquisition {

    /** Framework property: run length in seconds. */
    static final String DURATION_PROPERTY = "daqlab.duration";
    /** Framework property: experiment name of the run (default {@code acquisition}). */
    static final String EXPERIMENT_PROPERTY = "daqlab.experiment";

    private static final Logger LOG = LoggerFactory.getLogger(TimedAcquisition.class);
    private static final long WRITER_WAIT_MILLIS = 10_000;

    private final RunControl runs;
    private final StorageStatus status;
    private final List<Map<String, Object>> writers = new CopyOnWriteArrayList<>();
    private Thread job;

    @Activate
    public TimedAcquisition(@Reference RunControl runs, @Reference StorageStatus status) {
        this.runs = runs;
        this.status = status;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindWriter(StorageWriter writer, Map<String, Object> properties) {
        writers.add(Map.of("format", writer.format(), "name", String.valueOf(
                properties.getOrDefault(StorageWriter.NAME, properties.getOrDefault("name", writer.format())))));
    }

    void unbindWriter(StorageWriter writer, Map<String, Object> properties) {
        writers.removeIf(w -> w.get("format").equals(writer.format()) && w.get("name").equals(String.valueOf(
                properties.getOrDefault(StorageWriter.NAME, properties.getOrDefault("name", writer.format())))));
    }

    @Activate
    void activate(BundleContext context) {
        String duration = context.getProperty(DURATION_PROPERTY);
        if (duration == null) {
            return;
        }
        job = new Thread(() -> run(context, duration), "daqlab-timed-acquisition");
        job.setDaemon(true);
        job.start();
    }

    @Deactivate
    void deactivate() {
        if (job != null && job.isAlive() && job != Thread.currentThread()) {
            job.interrupt();
        }
    }

    private void run(BundleContext context, String durationText) {
        PrintStream out = System.out;
        int exitCode;
        try {
            double seconds = parseDuration(durationText);
            awaitFrameworkStarted(context);
            Optional<String> problem = checkWriters(context.getProperty(StorageCore.WRITERS_PROPERTY));
            if (problem.isPresent()) {
                System.err.println("daqlab: " + problem.get());
                exitCode = 2;
            } else {
                String name = Optional.ofNullable(context.getProperty(EXPERIMENT_PROPERTY)).orElse("acquisition");
                out.printf("daqlab: acquiring '%s' for %s s ...%n", name, durationText);
                long t0 = System.nanoTime();
                runs.start(name, Map.of("mode", "timed", "duration_s", seconds));
                TimeUnit.NANOSECONDS.sleep((long) (seconds * 1e9));
                RunStop stop = runs.stop("timed acquisition of " + durationText + " s finished").orElseThrow();
                exitCode = printSummary(out, stop, (System.nanoTime() - t0) / 1e9);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("daqlab: " + e.getMessage());
            exitCode = 2;
        } catch (InterruptedException e) {
            LOG.debug("timed acquisition restarted with its dependencies");
            return;
        } catch (RuntimeException e) {
            LOG.error("timed acquisition failed", e);
            exitCode = 1;
        }
        shutdown(context, exitCode);
    }

    private static double parseDuration(String text) {
        try {
            double seconds = Double.parseDouble(text.trim());
            if (seconds > 0 && Double.isFinite(seconds)) {
                return seconds;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("--duration '" + text + "' is not a positive number of seconds");
    }

    private static void awaitFrameworkStarted(BundleContext context) throws InterruptedException {
        Bundle system = context.getBundle(0);
        while (system.getState() != Bundle.ACTIVE) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /** Waits for the requested writers to register; explains what is missing if they do not. */
    private Optional<String> checkWriters(String requested) throws InterruptedException {
        Set<String> wanted = new TreeSet<>();
        if (requested != null) {
            Arrays.stream(requested.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(wanted::add);
        }
        wanted.remove(StorageCore.ALL_WRITERS); // "all": whatever is installed, so at least one writer
        long deadline = System.currentTimeMillis() + WRITER_WAIT_MILLIS;
        while (true) {
            Set<String> available = new TreeSet<>();
            writers.forEach(w -> {
                available.add((String) w.get("format"));
                available.add((String) w.get("name"));
            });
            Set<String> missing = new TreeSet<>(wanted);
            missing.removeAll(available);
            boolean ready = wanted.isEmpty() ? !writers.isEmpty() : missing.isEmpty();
            if (ready) {
                return Optional.empty();
            }
            if (System.currentTimeMillis() > deadline) {
                Set<String> formats = new TreeSet<>();
                writers.forEach(w -> formats.add((String) w.get("format")));
                if (wanted.isEmpty()) {
                    return Optional.of("no writer is installed: add a writer bundle (e.g. org.daqlab.writer.csv) to the distribution");
                }
                return Optional.of("unknown writer " + missing + " in --writers: the installed writers are "
                        + (formats.isEmpty() ? "none" : formats) + ". Use one of them, or drop the writer's bundle into the deploy folder");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private int printSummary(PrintStream out, RunStop stop, double seconds) {
        List<WriterStats> stats = status.writers();
        long bytes = 0;
        long lost = 0;
        List<String> failures = new ArrayList<>();
        out.printf("%ndaqlab: run '%s' finished after %.1f s (%s)%n", stop.uid(), seconds, stop.exitStatus());
        out.println("rows published per stream: " + stop.rowsPerStream());
        for (WriterStats w : stats) {
            out.printf("writer %s (%s): %s, %d batches, %d rows, records lost %d, not written %d%n", w.name(), w.format(),
                    w.state(), w.batches(), w.rows(), w.recordsLost(), w.recordsNotWritten());
            for (FileStats f : w.completedFiles()) {
                out.printf("  %s  rows=%d  bytes=%d%n", f.path(), f.rows(), f.bytes());
                bytes += f.bytes();
            }
            lost += w.recordsLost() + w.recordsNotWritten();
            if (w.state() == WriterState.FAILED || w.lastError() != null) {
                failures.add(w.name() + ": " + w.lastError());
            }
        }
        out.printf("total: %d bytes written, %.2f MB/s, records lost %d%n", bytes, bytes / 1e6 / seconds, lost);
        failures.forEach(f -> out.println("error: " + f));
        return failures.isEmpty() && lost == 0 ? 0 : 1;
    }

    /**
     * Stops the framework and leaves the JVM with {@code exitCode}. A one-shot command has to
     * report its outcome through the process status, which only System.exit can set from here.
     */
    private static void shutdown(BundleContext context, int exitCode) {
        Framework framework = (Framework) context.getBundle(0);
        try {
            framework.stop();
            framework.waitForStop(TimeUnit.MINUTES.toMillis(2));
        } catch (BundleException e) {
            LOG.error("framework did not stop cleanly", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.exit(exitCode);
    }
}
