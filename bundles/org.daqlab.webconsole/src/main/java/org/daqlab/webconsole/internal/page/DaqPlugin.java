package org.daqlab.webconsole.internal.page;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.felix.webconsole.servlet.AbstractServlet;
import org.apache.felix.webconsole.servlet.ServletConstants;
import org.daqlab.api.run.MetadataValues;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.RunStop;
import org.daqlab.webconsole.internal.security.CsrfTokens;
import org.daqlab.webconsole.internal.status.DaqStatus;
import org.daqlab.webconsole.internal.status.StatusJson;
import org.daqlab.webconsole.internal.tap.Frame;
import org.daqlab.webconsole.internal.tap.FramePng;
import org.daqlab.webconsole.internal.tap.LiveTap;
import org.daqlab.webconsole.internal.tap.Series;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.owasp.encoder.Encode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Web Console's "DAQ" page ({@code /system/console/daq}) and the JSON behind it. Everything under the console's
 * root is authenticated by the console before it reaches this servlet.
 *
 * <ul>
 *   <li>{@code GET  daq/api/status}: the status snapshot ({@link DaqStatus}) as JSON</li>
 *   <li>{@code GET  daq/api/csrf}: {@code {"header": …, "token": …}} for scripts that start and stop runs</li>
 *   <li>{@code GET  daq/api/streams}: the streams of the live view, their numeric columns and whether they carry
 *       frames</li>
 *   <li>{@code GET  daq/api/series?stream=S&column=C&points=N}: the latest N values of a column ({@link LiveTap}),
 *       times in seconds before the newest value</li>
 *   <li>{@code GET  daq/api/frame.png?stream=S}: the latest frame as an 8-bit PNG ({@link FramePng}); 204 while the
 *       tap has none yet</li>
 *   <li>{@code POST daq/api/run/start}: JSON {@code {"name": …, "metadata": {key: text}}}; values typed as in
 *       {@code daq:start}</li>
 *   <li>{@code POST daq/api/run/stop}</li>
 * </ul>
 * State-changing requests need the CSRF token ({@link CsrfTokens}); the page sends it.
 */
@Component(service = Servlet.class, property = {
        ServletConstants.PLUGIN_LABEL + "=" + DaqPlugin.LABEL,
        ServletConstants.PLUGIN_TITLE + "=DAQ",
        ServletConstants.PLUGIN_CATEGORY + "=daqlab",
        ServletConstants.PLUGIN_CSS_REFERENCES + "=/" + DaqPlugin.LABEL + "/res/daq/daq.css"})
public final class DaqPlugin extends AbstractServlet {

    static final String LABEL = "daq";
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DaqPlugin.class);
    /** A run start is a name and a few metadata entries; anything much larger is not from the page. */
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private static final String TEMPLATE = "/templates/daq.html";
    /** Points a plot asks for when it does not say. */
    private static final int DEFAULT_POINTS = 500;

    private final transient DaqStatus status;
    private final transient CsrfTokens csrf;
    private final transient LiveTap tap;

    @Activate
    public DaqPlugin(@Reference DaqStatus status, @Reference CsrfTokens csrf, @Reference LiveTap tap) {
        this.status = status;
        this.csrf = csrf;
        this.tap = tap;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        String path = localPath(request);
        switch (path) {
            case "/api/status" -> json(response, HttpServletResponse.SC_OK, status.snapshot());
            case "/api/csrf" -> json(response, HttpServletResponse.SC_OK,
                    Map.of("header", CsrfTokens.HEADER, "token", csrf.token(request)));
            case "/api/streams" -> json(response, HttpServletResponse.SC_OK, tap.streams());
            case "/api/series" -> series(request, response);
            case "/api/frame.png" -> frame(request, response);
            default -> {
                if (path.startsWith("/api/")) {
                    error(response, HttpServletResponse.SC_NOT_FOUND, "no such API: " + path
                            + " (GET api/status, api/csrf, api/streams, api/series, api/frame.png; "
                            + "POST api/run/start, api/run/stop)");
                } else {
                    // resources under res/; anything else is the page, which the console renders around renderContent
                    super.doGet(request, response);
                }
            }
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!csrf.carriesValidToken(request)) {
            error(response, HttpServletResponse.SC_FORBIDDEN, "missing or wrong CSRF token: send the token of GET "
                    + "daq/api/csrf in the " + CsrfTokens.HEADER + " header (the DAQ page does so itself)");
            return;
        }
        String path = localPath(request);
        try {
            switch (path) {
                case "/api/run/start" -> start(request, response);
                case "/api/run/stop" -> stop(response);
                default -> error(response, HttpServletResponse.SC_NOT_FOUND,
                        "no such action: " + path + " (POST api/run/start or api/run/stop)");
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            // a run already active, a name a file cannot carry: the operator fixes the request
            error(response, HttpServletResponse.SC_CONFLICT, e.getMessage());
        }
    }

    private void series(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String stream = request.getParameter("stream");
        String column = request.getParameter("column");
        if (stream == null || column == null) {
            error(response, HttpServletResponse.SC_BAD_REQUEST, "name a stream and a column: api/series?stream=adc0&column=ch0");
            return;
        }
        int points;
        try {
            points = request.getParameter("points") == null ? DEFAULT_POINTS : Integer.parseInt(request.getParameter("points"));
        } catch (NumberFormatException e) {
            error(response, HttpServletResponse.SC_BAD_REQUEST, "points must be a whole number, e.g. 500");
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stream", stream);
        out.put("column", column);
        Optional<Series> found = tap.series(stream, column, points);
        // an empty series, not 404, while the tap has not seen the stream yet: the page just polls again
        out.put("unit", found.map(Series::unit).orElse(null));
        List<Double> seconds = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        found.ifPresent(s -> {
            long newest = s.timestampNs().length == 0 ? 0 : s.timestampNs()[s.timestampNs().length - 1];
            for (int i = 0; i < s.values().length; i++) {
                seconds.add((s.timestampNs()[i] - newest) / 1e9);
                values.add(Double.isFinite(s.values()[i]) ? s.values()[i] : null);
            }
            if (s.timestampNs().length > 0) {
                out.put("newest", java.time.Instant.ofEpochSecond(0, newest).toString());
            }
        });
        out.put("seconds", seconds);
        out.put("values", values);
        json(response, HttpServletResponse.SC_OK, out);
    }

    private void frame(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String stream = request.getParameter("stream");
        if (stream == null) {
            error(response, HttpServletResponse.SC_BAD_REQUEST, "name a stream: api/frame.png?stream=camera0");
            return;
        }
        Optional<Frame> frame = tap.latestFrame(stream);
        setNoCache(response);
        if (frame.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return;
        }
        byte[] png = FramePng.render(frame.get());
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("image/png");
        response.setHeader("X-Daqlab-Frame-Number", Long.toString(frame.get().frameNumber()));
        response.setContentLength(png.length);
        response.getOutputStream().write(png);
    }

    private void start(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonNode body;
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                error(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "a run start is at most 64 KiB of JSON");
                return;
            }
            body = StatusJson.mapper().readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            error(response, HttpServletResponse.SC_BAD_REQUEST, "the body is no JSON object: " + e.getOriginalMessage());
            return;
        }
        if (body == null || !body.isObject()) {
            error(response, HttpServletResponse.SC_BAD_REQUEST,
                    "send a JSON object {\"name\": \"scan\", \"metadata\": {\"sample\": \"A12\"}}");
            return;
        }
        String name = body.path("name").asText("").trim();
        if (name.isEmpty()) {
            error(response, HttpServletResponse.SC_BAD_REQUEST, "a run needs a name (the experiment name in file names)");
            return;
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        JsonNode entries = body.path("metadata");
        for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = entry.getKey().trim();
            if (key.isEmpty()) {
                error(response, HttpServletResponse.SC_BAD_REQUEST, "a metadata entry has no key: give every value a key");
                return;
            }
            metadata.put(key, MetadataValues.parse(entry.getValue().asText()));
        }
        RunStart start = status.runs().start(name, metadata);
        LOG.info("run '{}' started from the Web Console by {}", start.name(), request.getRemoteUser());
        json(response, HttpServletResponse.SC_OK, Map.of("uid", start.uid(), "name", start.name()));
    }

    private void stop(HttpServletResponse response) throws IOException {
        Optional<RunStop> stop = status.runs().stop("stopped from the Web Console");
        if (stop.isEmpty()) {
            error(response, HttpServletResponse.SC_CONFLICT, "no run is active");
            return;
        }
        json(response, HttpServletResponse.SC_OK, Map.of("uid", stop.get().uid(), "rows_per_stream",
                stop.get().rowsPerStream()));
    }

    /**
     * The page: a static template whose only dynamic parts are the plugin's root path and the CSRF token, both
     * encoded for the HTML attributes they go into; the data arrive as JSON and are shown as text by daq.js.
     */
    @Override
    public void renderContent(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String root = Encode.forHtmlAttribute((String) request.getAttribute(ServletConstants.ATTR_PLUGIN_ROOT));
        response.getWriter().write(readTemplateFile(TEMPLATE)
                .replace("@ROOT@", root)
                .replace("@CSRF_HEADER@", CsrfTokens.HEADER)
                .replace("@CSRF@", Encode.forHtmlAttribute(csrf.token(request))));
    }

    /** The request path below the plugin's label, e.g. {@code /api/status}. */
    private static String localPath(HttpServletRequest request) {
        String path = request.getPathInfo();
        if (path == null) {
            return "";
        }
        String prefix = "/" + LABEL;
        return path.startsWith(prefix) ? path.substring(prefix.length()) : path;
    }

    private static void json(HttpServletResponse response, int status, Object value) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        // the page polls: every answer must be fresh
        setNoCache(response);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.getWriter().write(StatusJson.write(value));
    }

    private static void error(HttpServletResponse response, int status, String message) throws IOException {
        json(response, status, Map.of("error", message));
    }
}
