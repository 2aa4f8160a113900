package org.daqlab.itest;

import com.fasterxml.jackson.databind.JsonNode;
import org.daqlab.api.instrument.Instrument;
import org.daqlab.api.instrument.InstrumentStatus;
import org.daqlab.api.run.RunControl;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import javax.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

/**
 * The Web Console's daqlab parts over real HTTP against the real distribution: the status JSON and the inventory
 * printer, run control with its CSRF token, escaping of what drivers and operators write, and that nothing answers
 * without credentials.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConsoleIT {

    private static final String STATUS = "/system/console/daq/api/status";
    private static final String HOSTILE_ID = "<script>alert('id')</script>";
    private static final String HOSTILE_TEXT = "<img src=x onerror=alert('text')>";

    @Inject
    private BundleContext context;

    private ConsoleHttp http;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return Distribution.options(Path.of(System.getProperty("it.work")), "console").toArray(new Option[0]);
    }

    @Before
    public void consoleIsUp() throws Exception {
        http = new ConsoleHttp(Integer.parseInt(context.getProperty("org.osgi.service.http.port")));
        Support.await("the DAQ page with the configured credentials", 60,
                () -> http.statusOf("GET", STATUS, ConsoleHttp.USER + ":" + Support.CONSOLE_PASSWORD) == 200);
    }

    @Test
    public void statusJsonReportsRunInstrumentsWritersRingAndErrors() throws Exception {
        RunControl runs = Support.service(context, RunControl.class);
        runs.stop("console test takes over");
        runs.start("status_run", Map.of());
        Support.await("three instruments and the writers in the status", 30, () -> {
            JsonNode s = status();
            return s.path("instruments").size() == 3 && writer(s, "hdf5") != null;
        });
        JsonNode first = status();
        assertTrue(first.toString(), first.path("run").path("active").asBoolean());
        assertEquals(runs.currentRun().orElseThrow().uid(), first.path("run").path("uid").asText());

        List<String> ids = new ArrayList<>();
        first.path("instruments").forEach(i -> ids.add(i.path("id").asText()));
        assertEquals(List.of("adc0", "camera0", "power_meter_01"), ids);
        for (JsonNode i : first.path("instruments")) {
            assertEquals(i.toString(), "RUNNING", i.path("state").asText());
            assertTrue(i.toString(), i.has("rows_per_second") && i.has("last_value") && i.has("last_error"));
        }
        Support.await("rates and last values", 30, () -> {
            for (JsonNode i : status().path("instruments")) {
                if (i.path("rows_per_second").asDouble() <= 0 || i.path("last_value").isNull()) {
                    return false;
                }
            }
            return true;
        });

        JsonNode hdf5 = writer(first, "hdf5");
        for (String field : List.of("state", "current_files", "bytes_written", "mb_per_second", "lag_bytes",
                "records_lost", "last_error", "settings")) {
            assertTrue(field + " in " + hdf5, hdf5.has(field));
        }
        assertEquals("WRITING", hdf5.path("state").asText());
        assertTrue(hdf5.toString(), hdf5.path("current_files").get(0).asText().endsWith(".h5.part"));
        assertEquals("deflate", hdf5.path("settings").path("compression").asText());
        long bytes = hdf5.path("bytes_written").asLong();
        Support.await("the HDF5 writer's bytes to grow", 60,
                () -> writer(status(), "hdf5").path("bytes_written").asLong() > bytes);

        JsonNode ring = first.path("ring");
        assertTrue(ring.toString(), ring.path("capacity_bytes").asLong() > 0);
        assertTrue(ring.toString(), ring.path("fill").asDouble() >= 0 && ring.path("fill").asDouble() <= 1);
        assertEquals("DISCARD_OLDEST", ring.path("overflow_mode").asText());
        List<String> readers = new ArrayList<>();
        ring.path("readers").forEach(r -> readers.add(r.path("name").asText()));
        assertTrue(readers.toString(), readers.contains("writer:hdf5"));
        assertTrue(first.path("errors").isArray());
        runs.stop("console test done");
    }

    @Test
    public void aFailingWriterShowsItsErrorInTheWriterAndTheRecentErrors() throws Exception {
        RunControl runs = Support.service(context, RunControl.class);
        runs.stop("console test takes over");
        // a directory that a file replaces once the writer is configured: the writer fails to open its files
        Path dir = Path.of(System.getProperty("it.work"), "console", "vanishing");
        Files.createDirectories(dir);
        ConfigurationAdmin cm = Support.service(context, ConfigurationAdmin.class);
        Configuration broken = cm.getFactoryConfiguration("org.daqlab.writer.csv", "broken", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("name", "broken");
        props.put("output_dir", dir.toString());
        broken.update(props);
        try {
            Support.await("the writer 'broken'", 30, () -> writer(status(), "broken") != null);
            Files.delete(dir);
            Files.writeString(dir, "not a directory");
            runs.start("broken_dir", Map.of());
            Support.await("the writer's error", 60, () -> !writer(status(), "broken").path("last_error").isNull());
            String error = writer(status(), "broken").path("last_error").asText();
            assertTrue(error, error.contains(dir.toString()));
            Support.await("the error among the recent errors", 30, () -> {
                for (JsonNode e : status().path("errors")) {
                    if (e.path("message").asText().contains(dir.toString()) && e.path("level").asText().equals("ERROR")) {
                        return true;
                    }
                }
                return false;
            });
        } finally {
            runs.stop("console test done");
            broken.delete();
            Files.deleteIfExists(dir);
        }
    }

    @Test
    public void theLiveViewTapsTheRingForColumnsAndTheLatestCameraFrame() throws Exception {
        // the streams opened at boot, long before the tap's first request: their schemas come from the ring's catalog
        Support.await("the tap's streams", 60, () -> {
            JsonNode streams = json("/system/console/daq/api/streams");
            return streams.size() >= 3;
        });
        JsonNode adc = null;
        for (JsonNode s : json("/system/console/daq/api/streams")) {
            if (s.path("stream").asText().equals("adc0")) {
                adc = s;
            }
            if (s.path("stream").asText().equals("camera0")) {
                assertTrue(s.toString(), s.path("frames").asBoolean());
            }
        }
        assertNotNull(adc);
        assertEquals("ch0", adc.path("columns").get(0).path("name").asText());
        assertEquals("V", adc.path("columns").get(0).path("unit").asText());

        Support.await("500 ADC values", 30,
                () -> json("/system/console/daq/api/series?stream=adc0&column=ch0&points=500").path("values").size() == 500);
        JsonNode series = json("/system/console/daq/api/series?stream=adc0&column=ch0&points=500");
        JsonNode seconds = series.path("seconds");
        assertEquals(0.0, seconds.get(499).asDouble(), 0);
        // 10 kHz: 500 values span 49.9 ms, in time order
        assertEquals(-0.0499, seconds.get(0).asDouble(), 0.002);
        for (int i = 1; i < 500; i++) {
            assertTrue(seconds.get(i).asDouble() >= seconds.get(i - 1).asDouble());
        }
        for (JsonNode v : series.path("values")) {
            assertTrue("a sine of amplitude 5 V with noise: " + v, Math.abs(v.asDouble()) < 6);
        }
        String newest = series.path("newest").asText();
        Support.await("newer values", 10, () ->
                !json("/system/console/daq/api/series?stream=adc0&column=ch0&points=1").path("newest").asText().equals(newest));

        Support.await("a camera frame", 30,
                () -> http.statusOf("GET", "/system/console/daq/api/frame.png?stream=camera0",
                        ConsoleHttp.USER + ":" + Support.CONSOLE_PASSWORD) == 200);
        String authorization = "Basic " + java.util.Base64.getEncoder().encodeToString(
                (ConsoleHttp.USER + ":" + Support.CONSOLE_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.net.HttpURLConnection c = (java.net.HttpURLConnection) new java.net.URL(
                http.url("/system/console/daq/api/frame.png?stream=camera0")).openConnection();
        c.setRequestProperty("Authorization", authorization);
        assertEquals("image/png", c.getContentType());
        long frameNumber = Long.parseLong(c.getHeaderField("X-Daqlab-Frame-Number"));
        java.awt.image.BufferedImage image;
        try (var in = c.getInputStream()) {
            image = javax.imageio.ImageIO.read(in);
        }
        assertEquals(256, image.getWidth());
        assertEquals(256, image.getHeight());
        // the test pattern (n + x + y*256) mod 65536 stretched to 8 bits: black somewhere, white somewhere
        int min = 255;
        int max = 0;
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                int v = image.getRaster().getSample(x, y, 0);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        assertEquals(0, min);
        assertEquals(255, max);
        Support.await("a later frame", 10, () -> {
            try {
                java.net.HttpURLConnection next = (java.net.HttpURLConnection) new java.net.URL(
                        http.url("/system/console/daq/api/frame.png?stream=camera0")).openConnection();
                next.setRequestProperty("Authorization", authorization);
                next.getInputStream().readAllBytes();
                return Long.parseLong(next.getHeaderField("X-Daqlab-Frame-Number")) > frameNumber;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        assertEquals("204 while a stream has no frame", 204, http.statusOf("GET",
                "/system/console/daq/api/frame.png?stream=adc0", ConsoleHttp.USER + ":" + Support.CONSOLE_PASSWORD));
        List<String> readers = new ArrayList<>();
        status().path("ring").path("readers").forEach(r -> readers.add(r.path("name").asText()));
        assertTrue("the tap is a ring reader: " + readers, readers.contains("console-tap"));
    }

    @Test
    public void thePageIsTheConsolesWithTheDaqSections() throws Exception {
        ConsoleHttp.Response page = http.get("/system/console/daq");
        assertEquals(200, page.status());
        for (String part : List.of("id=\"daq-run-state\"", "id=\"daq-instruments\"", "id=\"daq-writers\"",
                "id=\"daq-ring-readers\"", "id=\"daq-plot\"", "id=\"daq-frame\"", "id=\"daq-errors\"",
                "/system/console/daq/res/chartjs/chart.umd.min.js", "/system/console/daq/res/daq/daq.js",
                "data-csrf=")) {
            assertTrue(part, page.body().contains(part));
        }
        assertTrue("Chart.js from its webjar", http.get("/system/console/daq/res/chartjs/chart.umd.min.js").body()
                .contains("Chart.js v4"));
        assertEquals(200, http.get("/system/console/daq/res/daq/daq.js").status());
    }

    @Test
    public void inventoryPrinterCarriesTheSameStatus() throws Exception {
        ConsoleHttp.Response json = http.get("/system/console/status-daqlab.json");
        assertEquals(json.body(), 200, json.status());
        assertTrue(json.body(), json.body().contains("\"instruments\"") && json.body().contains("\"writers\"")
                && json.body().contains("\"ring\"") && json.body().contains("\"errors\""));
        ConsoleHttp.Response text = http.get("/system/console/status-daqlab.txt");
        assertEquals(200, text.status());
        for (String part : List.of("run:", "instruments:", "writers:", "ring:", "errors:", "power_meter_01",
                "writer:hdf5")) {
            assertTrue(part + " in " + text.body(), text.body().contains(part));
        }
    }

    @Test
    public void runsStartAndStopOverJsonOnlyWithTheCsrfToken() throws Exception {
        RunControl runs = Support.service(context, RunControl.class);
        runs.stop("console test takes over");
        JsonNode csrf = Support.JSON.readTree(http.get("/system/console/daq/api/csrf").body());
        String header = csrf.path("header").asText();
        String token = csrf.path("token").asText();
        String start = "{\"name\":\"console_run\",\"metadata\":{\"sample\":\"A12\",\"exposure_ms\":\"2.5\"}}";

        ConsoleHttp.Response none = post("/system/console/daq/api/run/start", start, Map.of());
        assertEquals(none.body(), 403, none.status());
        ConsoleHttp.Response wrong = post("/system/console/daq/api/run/start", start, Map.of(header, token + "x"));
        assertEquals(wrong.body(), 403, wrong.status());
        assertTrue(wrong.body(), wrong.body().contains("CSRF"));
        assertFalse("a refused start starts nothing", runs.currentRun().isPresent());

        ConsoleHttp.Response ok = post("/system/console/daq/api/run/start", start, Map.of(header, token));
        assertEquals(ok.body(), 200, ok.status());
        assertEquals("console_run", runs.currentRun().orElseThrow().name());
        assertEquals("A12", runs.metadata().get("sample"));
        assertEquals("typed as daq:start types it", 2.5, runs.metadata().get("exposure_ms"));

        ConsoleHttp.Response again = post("/system/console/daq/api/run/start", start, Map.of(header, token));
        assertEquals("a second start while a run is active", 409, again.status());

        ConsoleHttp.Response wrongStop = post("/system/console/daq/api/run/stop", null, Map.of(header, "forged"));
        assertEquals(403, wrongStop.status());
        assertTrue(runs.currentRun().isPresent());
        ConsoleHttp.Response stop = post("/system/console/daq/api/run/stop", null, Map.of(header, token));
        assertEquals(stop.body(), 200, stop.status());
        assertFalse(runs.currentRun().isPresent());
    }

    @Test
    public void instrumentIdsMetadataAndErrorTextsAreEscaped() throws Exception {
        ServiceRegistration<Instrument> hostile = context.registerService(Instrument.class, new Instrument() {
            @Override
            public String id() {
                return HOSTILE_ID;
            }

            @Override
            public InstrumentStatus status() {
                return new InstrumentStatus(HOSTILE_ID, HOSTILE_TEXT, "RUNNING", List.of(HOSTILE_ID), 1, 1, 1.0,
                        HOSTILE_TEXT, HOSTILE_TEXT);
            }
        }, null);
        RunControl runs = Support.service(context, RunControl.class);
        try {
            runs.stop("console test takes over");
            runs.start("escaping", Map.of("note", HOSTILE_TEXT, "operator", HOSTILE_ID));
            ConsoleHttp.Response response = http.get(STATUS);
            assertTrue(response.contentType(), response.contentType().startsWith("application/json"));
            assertEquals("nosniff", response.headers().get("X-Content-Type-Options"));
            assertFalse("no markup in the JSON text: " + response.body(), response.body().contains("<"));
            JsonNode s = Support.JSON.readTree(response.body());
            JsonNode instrument = null;
            for (JsonNode i : s.path("instruments")) {
                if (i.path("id").asText().equals(HOSTILE_ID)) {
                    instrument = i;
                }
            }
            assertNotNull("the hostile instrument round-trips exactly: " + s.path("instruments"), instrument);
            assertEquals(HOSTILE_TEXT, instrument.path("last_error").asText());
            assertEquals(HOSTILE_TEXT, s.path("run").path("metadata").path("note").asText());
            assertEquals(HOSTILE_ID, s.path("run").path("metadata").path("operator").asText());

            ConsoleHttp.Response page = http.get("/system/console/daq");
            assertEquals(200, page.status());
            assertFalse(page.body(), page.body().contains("alert("));
            ConsoleHttp.Response text = http.get("/system/console/status-daqlab.txt");
            assertTrue("text/plain dump", text.contentType().startsWith("text/plain"));
        } finally {
            hostile.unregister();
            runs.stop("console test done");
        }
    }

    @Test
    public void consoleStateChangesNeedTheCsrfTokenWhichEveryConsolePageCarries() throws Exception {
        ConfigurationAdmin cm = Support.service(context, ConfigurationAdmin.class);
        Configuration core = cm.getConfiguration("org.daqlab.core", "?");
        java.util.Dictionary<String, Object> original = core.getProperties();
        Object before = original.get("stop_timeout_secs");
        String token = Support.JSON.readTree(http.get("/system/console/daq/api/csrf").body()).path("token").asText();
        // apply=update changes the listed property only (apply=true would drop the others)
        String change = "/system/console/configMgr/org.daqlab.core?apply=update&propertylist=stop_timeout_secs"
                + "&stop_timeout_secs=77";

        for (Map<String, String> forged : List.of(Map.<String, String>of(), Map.of("X-Daqlab-CSRF", token + "x"),
                Map.of("X-Daqlab-CSRF", ""))) {
            ConsoleHttp.Response refused = post(change, null, forged);
            assertEquals(refused.body(), 403, refused.status());
            assertTrue(refused.body(), refused.body().contains("CSRF token"));
        }
        ConsoleHttp.Response wrongQuery = post(change + "&daqlab_csrf=" + token.substring(1), null, Map.of());
        assertEquals(403, wrongQuery.status());
        assertEquals("the configuration GET that the console treats as a POST", 403, http.statusOf("GET",
                "/system/console/configMgr/org.daqlab.core?post=true&apply=update&propertylist=stop_timeout_secs"
                        + "&stop_timeout_secs=78", ConsoleHttp.USER + ":" + Support.CONSOLE_PASSWORD));
        assertEquals("refused changes change nothing", before,
                cm.getConfiguration("org.daqlab.core", "?").getProperties().get("stop_timeout_secs"));

        try {
            ConsoleHttp.Response applied = post(change, null, Map.of("X-Daqlab-CSRF", token));
            assertTrue(applied.body(), applied.status() < 400);
            Support.await("the applied change", 30, () -> {
                try {
                    Object now = cm.getConfiguration("org.daqlab.core", "?").getProperties().get("stop_timeout_secs");
                    return now != null && Integer.parseInt(now.toString()) == 77;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            ConsoleHttp.Response viaQuery = post(change.replace("77", "76") + "&daqlab_csrf=" + token, null, Map.of());
            assertTrue("a form post with the token in its action: " + viaQuery.body(), viaQuery.status() < 400);
        } finally {
            cm.getConfiguration("org.daqlab.core", "?").update(original);
        }

        for (String path : List.of("/system/console/bundles", "/system/console/configMgr", "/system/console/daq")) {
            ConsoleHttp.Response page = http.get(path);
            assertTrue(path + " carries the token script", page.body().contains("daqlab: every state-changing request")
                    && page.body().contains("'" + token + "'"));
            assertTrue(path, page.body().indexOf("daqlab: every state-changing") < page.body().indexOf("</head>"));
        }
        assertFalse("JSON answers are left alone", http.get("/system/console/bundles.json").body().contains("daqlab:"));
    }

    @Test
    public void httpListensOnTheLoopbackInterfaceOnly() throws Exception {
        String endpoint = null;
        for (org.osgi.framework.ServiceReference<?> ref : context.getServiceReferences(
                "org.osgi.service.servlet.runtime.HttpServiceRuntime", null)) {
            Object value = ref.getProperty("osgi.http.endpoint");
            endpoint = value instanceof String[] list ? list[0] : String.valueOf(value);
        }
        assertNotNull("the HTTP runtime service", endpoint);
        assertTrue(endpoint, endpoint.startsWith("http://127.0.0.1:"));
        int port = Integer.parseInt(context.getProperty("org.osgi.service.http.port"));
        for (java.net.NetworkInterface nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (java.net.InetAddress address : java.util.Collections.list(nic.getInetAddresses())) {
                if (!address.isLoopbackAddress() && address instanceof java.net.Inet4Address) {
                    try (java.net.Socket socket = new java.net.Socket()) {
                        socket.connect(new java.net.InetSocketAddress(address, port), 2000);
                        throw new AssertionError("the console answers on " + address + ":" + port);
                    } catch (java.net.ConnectException | java.net.SocketTimeoutException refused) {
                        // not listening there, as it should be
                    }
                }
            }
        }
    }

    @Test
    public void withoutCredentialsEveryConsoleAndJsonUrlAnswers401() {
        for (String path : List.of("/system/console", "/system/console/daq", STATUS, "/system/console/daq/api/csrf",
                "/system/console/daq/res/daq/daq.css", "/system/console/daq/res/chartjs/chart.umd.min.js",
                "/system/console/status-daqlab.json", "/system/console/status-daqlab.txt",
                "/system/console/configMgr", "/system/console/bundles.json")) {
            assertEquals(path, 401, http.statusOf("GET", path, null));
            assertEquals(path + " with a wrong password", 401, http.statusOf("GET", path, "admin:wrong"));
        }
        for (String path : List.of("/system/console/daq/api/run/start", "/system/console/daq/api/run/stop",
                "/system/console/configMgr/org.daqlab.core")) {
            assertEquals(path, 401, http.statusOf("POST", path, null));
        }
    }

    private ConsoleHttp.Response post(String path, String body, Map<String, String> headers) throws Exception {
        return http.send("POST", path, ConsoleHttp.USER + ":" + Support.CONSOLE_PASSWORD, body, headers);
    }

    private JsonNode json(String path) {
        try {
            ConsoleHttp.Response r = http.get(path);
            assertEquals(r.body(), 200, r.status());
            return Support.JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private JsonNode status() {
        try {
            ConsoleHttp.Response r = http.get(STATUS);
            assertEquals(r.body(), 200, r.status());
            return Support.JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode writer(JsonNode status, String name) {
        for (JsonNode w : status.path("writers")) {
            if (w.path("name").asText().equals(name)) {
                return w;
            }
        }
        return null;
    }
}
