package org.daqlab.itest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.daqlab.api.run.RunControl;
import org.daqlab.api.storage.StorageStatus;
import org.daqlab.api.storage.WriterStats;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Helpers the integration tests share; they run inside the framework (in the probe bundle). */
final class Support {

    static final String CONSOLE_PASSWORD = "itest-Secret-4711";
    static final ObjectMapper JSON = new ObjectMapper();

    private Support() {
    }

    static <T> T service(BundleContext context, Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        T service = tracker.waitForService(TimeUnit.SECONDS.toMillis(30));
        if (service == null) {
            throw new AssertionError("service " + type.getName() + " did not appear within 30 s");
        }
        return service;
    }

    static void await(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /**
     * Waits for the continuous run the default configuration starts at boot (the platform has
     * settled), then stops it, so a test owns its runs.
     */
    static void stopBootRun(RunControl runs) throws InterruptedException {
        await("the continuous run started at boot", 30, () -> runs.currentRun().isPresent());
        runs.stop("integration test takes over");
    }

    static Optional<WriterStats> writer(StorageStatus status, String name) {
        return status.writers().stream().filter(w -> w.name().equals(name)).findFirst();
    }

    /**
     * Reads a CSV file with Python's csv module (a parser we did not write): a header row and data
     * rows, all as strings.
     */
    @SuppressWarnings("unchecked")
    static List<List<String>> readCsv(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/usr/bin/python3", "-c",
                "import csv, json, sys\n"
                        + "with open(sys.argv[1], newline='') as f:\n"
                        + "    json.dump(list(csv.reader(f)), sys.stdout)\n", file.toString())
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new AssertionError("python3 csv could not read " + file + ": " + new String(out, StandardCharsets.UTF_8));
        }
        return JSON.readValue(out, List.class);
    }

    /**
     * Runs {@code node script args…} in {@code dir}, a directory with a package.json whose pinned
     * packages are installed first with {@code npm ci} if they are not yet (a fresh checkout: needs
     * the npm registry).
     */
    static void node(Path dir, String script, String... args) throws IOException, InterruptedException {
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            Launcher.Result install = Launcher.exec(dir, 600, List.of("npm", "ci", "--no-audit", "--no-fund"));
            if (install.exitCode() != 0) {
                throw new AssertionError("npm ci in " + dir + " (needs the npm registry): " + install.output());
            }
        }
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        Launcher.Result r = Launcher.exec(dir, 300, command);
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " in " + dir + " failed: " + r.output());
        }
    }

    /** The DAQ page's status JSON, fetched over HTTP. */
    static JsonNode consoleStatus(ConsoleHttp http) {
        try {
            ConsoleHttp.Response r = http.get("/system/console/daq/api/status");
            if (r.status() != 200) {
                throw new AssertionError("status JSON: HTTP " + r.status() + ": " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A writer's entry in the status JSON; a missing node if there is none. */
    static JsonNode writerJson(JsonNode status, String name) {
        for (JsonNode w : status.path("writers")) {
            if (w.path("name").asText().equals(name)) {
                return w;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** The console of the platform under test (Pax Exam), once its status answers. */
    static ConsoleHttp console(BundleContext context) throws InterruptedException {
        ConsoleHttp http = new ConsoleHttp(Integer.parseInt(context.getProperty("org.osgi.service.http.port")));
        await("the DAQ page", 60, () -> http.statusOf("GET", "/system/console/daq/api/status",
                ConsoleHttp.USER + ":" + CONSOLE_PASSWORD) == 200);
        return http;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readJson(Path file) throws IOException {
        return JSON.readValue(file.toFile(), Map.class);
    }
}
