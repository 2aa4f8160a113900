package org.daqlab.webconsole.internal.page;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.felix.webconsole.servlet.AbstractServlet;
import org.apache.felix.webconsole.servlet.ServletConstants;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.RunStop;
import org.daqlab.webconsole.internal.security.CsrfTokens;
import org.daqlab.webconsole.internal.status.DaqStatus;
import org.daqlab.webconsole.internal.status.StatusJson;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.owasp.encoder.Encode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Web Console's "DAQ" page ({@code /system/console/daq}) and the JSON behind it. Everything under the console's
 * root is authenticated by the console before it reaches this servlet.
 *
 * <ul>
 *   <li>{@code GET  daq/api/status}: the status snapshot ({@link DaqStatus}) as JSON</li>
 *   <li>{@code GET  daq/api/csrf}: {@code {"header": …, "token": …}} for scripts that start and stop runs</li>
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

    private final transient DaqStatus status;
    private final transient CsrfTokens csrf;

    @Activate
    public DaqPlugin(@Reference DaqStatus status, @Reference CsrfTokens csrf) {
        this.status = status;
        this.csrf = csrf;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        String path = localPath(request);
        switch (path) {
            case "/api/status" -> json(response, HttpServletResponse.SC_OK, status.snapshot());
            case "/api/csrf" -> json(response, HttpServletResponse.SC_OK,
                    Map.of("header", CsrfTokens.HEADER, "token", csrf.token(request)));
            default -> {
                if (path.startsWith("/api/")) {
                    error(response, HttpServletResponse.SC_NOT_FOUND, "no such API: " + path
                            + " (GET api/status or api/csrf; POST api/run/start or api/run/stop)");
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

    @Override
    public void renderContent(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String pluginRoot = (String) request.getAttribute(ServletConstants.ATTR_PLUGIN_ROOT);
        String root = Encode.forHtmlAttribute(pluginRoot);
        var out = response.getWriter();
        out.println("<div id='daq' data-root='" + root + "' data-csrf-header='" + CsrfTokens.HEADER
                + "' data-csrf='" + Encode.forHtmlAttribute(csrf.token(request)) + "'></div>");
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
