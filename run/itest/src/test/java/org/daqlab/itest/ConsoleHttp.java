package org.daqlab.itest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Plain HTTP requests to the Web Console, as a script or a foreign page would send them: only the JDK's client, so
 * the same helper serves tests inside the framework (Pax Exam) and outside it (the browser test).
 */
final class ConsoleHttp {

    /** The console's user in the tests; its password is {@link Support#CONSOLE_PASSWORD}. */
    static final String USER = "admin";

    private final String base;

    /** @param port the HTTP port of the platform under test */
    ConsoleHttp(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** An answer: status, content type, body and the headers a test looks at. */
    record Response(int status, String contentType, String body, Map<String, String> headers) {
    }

    /** The URL of a path on the console's server, e.g. {@code /system/console/daq}. */
    String url(String path) {
        return base + path;
    }

    /** GET with the console's credentials. */
    Response get(String path) throws IOException {
        return send("GET", path, USER + ":" + Support.CONSOLE_PASSWORD, null, Map.of());
    }

    /**
     * Any request.
     *
     * @param credentials {@code user:password}, or {@code null} for none
     * @param body        a JSON body, or {@code null}
     * @param headers     extra request headers
     */
    Response send(String method, String path, String credentials, String body, Map<String, String> headers)
            throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(base + path).openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(5000);
        c.setReadTimeout(30000);
        c.setInstanceFollowRedirects(false);
        if (credentials != null) {
            c.setRequestProperty("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        headers.forEach(c::setRequestProperty);
        if (body != null) {
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (in != null) {
            in.close();
        }
        Map<String, String> kept = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        c.getHeaderFields().forEach((k, v) -> {
            if (k != null && !v.isEmpty()) {
                kept.put(k, v.get(0));
            }
        });
        c.disconnect();
        return new Response(status, c.getContentType(), text, kept);
    }

    /** The status code of a request, or -1 while nothing listens. */
    int statusOf(String method, String path, String credentials) {
        try {
            return send(method, path, credentials, null, Map.of()).status();
        } catch (IOException notListening) {
            return -1;
        }
    }
}
