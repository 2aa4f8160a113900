package org.daqlab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The platform under load, started as a user starts it: {@code run/daqlab} (the default distribution, with the Web
 * Console) as a separate process, with its ring file, framework state, deploy folder and output under one work
 * directory. Its status comes from the console's JSON ({@code /system/console/daq/api/status}), the only view of the
 * writers' statistics from outside the JVM; the process id in the status's {@code jvm} section points at
 * {@code /proc} for the resident set size and open files.
 */
final class SoakPlatform implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final String STATUS = "/system/console/daq/api/status";

    private final Process process;
    private final Path log;
    private final String base;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SoakPlatform(Process process, Path log, int port, String password) {
        this.process = process;
        this.log = log;
        this.base = "http://127.0.0.1:" + port;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Starts {@code root/run/daqlab} with the writers named and waits until its console answers.
     *
     * @param javaOptions extra JVM options ({@code DAQLAB_JAVA_OPTS}), e.g. {@code -Xmx2g}, or empty
     */
    static SoakPlatform start(Path root, Path work, List<String> writers, String javaOptions) throws IOException, InterruptedException {
        int port = freePort();
        String password = UUID.randomUUID().toString();
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("run/daqlab").toString(),
                "--port", Integer.toString(port),
                "--ring", work.resolve("ring.dat").toString(),
                "--state", work.resolve("state").toString(),
                "--deploy", work.resolve("deploy").toString(),
                "--output", work.resolve("data").toString(),
                "--writers", String.join(",", writers)));
        Path log = work.resolve("platform.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("DAQLAB_CONSOLE_PASSWORD", password);
        builder.environment().put("DAQLAB_JAVA_OPTS", javaOptions);
        SoakPlatform platform = new SoakPlatform(builder.start(), log, port, password);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            if (!platform.process.isAlive()) {
                throw new IllegalStateException("run/daqlab exited with " + platform.process.exitValue() + ": see " + log);
            }
            try {
                platform.status();
                return platform;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    platform.close();
                    throw new IllegalStateException("the console of run/daqlab did not answer within 120 s: see " + log);
                }
                TimeUnit.MILLISECONDS.sleep(500);
            }
        }
    }

    /** The status snapshot (run, instruments, writers, ring, errors, jvm). */
    JsonNode status() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(STATUS).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + STATUS + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Starts a run; fails if one is active. */
    void startRun(String name, Map<String, Object> metadata) throws IOException, InterruptedException {
        post("/system/console/daq/api/run/start", JSON.writeValueAsString(Map.of("name", name, "metadata", metadata)),
                Duration.ofSeconds(30));
    }

    /**
     * Stops the active run.
     *
     * @return rows published per stream during the run, as the run's stop document counts them
     */
    Map<String, Long> stopRun() throws IOException, InterruptedException {
        // the stop returns once every writer drained the ring and closed its files: that may take minutes
        JsonNode stop = post("/system/console/daq/api/run/stop", "", Duration.ofMinutes(10));
        Map<String, Long> rows = new java.util.TreeMap<>();
        stop.path("rows_per_stream").fields().forEachRemaining(e -> rows.put(e.getKey(), e.getValue().asLong()));
        return rows;
    }

    private JsonNode post(String path, String body, Duration timeout) throws IOException, InterruptedException {
        HttpResponse<String> csrf = http.send(request("/system/console/daq/api/csrf").GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode token = JSON.readTree(csrf.body());
        HttpResponse<String> response = http.send(request(path).timeout(timeout)
                .header(token.path("header").asText(), token.path("token").asText())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("POST " + path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).header("Authorization", authorization);
    }

    /** The platform's log (its console output). */
    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * SIGTERM, as a service manager stops it (the launcher passes it to the JVM: writers drain, flush and close).
     *
     * @return the launcher's exit code
     */
    int stop() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            close();
            throw new IllegalStateException("run/daqlab did not stop within 3 minutes of SIGTERM: see " + log);
        }
        return process.exitValue();
    }

    /** Kills whatever is left (after a failure of the soak itself). */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no " + file + ": " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
