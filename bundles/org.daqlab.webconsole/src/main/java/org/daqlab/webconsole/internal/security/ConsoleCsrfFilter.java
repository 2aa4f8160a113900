package org.daqlab.webconsole.internal.security;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * CSRF protection of the whole Web Console: a request that changes state — any method but GET, HEAD, OPTIONS and
 * TRACE, and the configuration editor's {@code ?post=true} GETs, which the console treats as POSTs — is refused with
 * 403 unless it carries the user's {@link CsrfTokens token}. The console's own pages do not know the token, so every
 * HTML page the console serves gets a small script (before {@code </head>}) that adds it to the pages' jQuery requests
 * and to the actions of their forms; the same script shows why the console refused to save a configuration, which
 * the console's configuration editor does not.
 *
 * <p>Runs in the console's servlet context, after the console's authentication: a request without credentials gets
 * the console's 401 before it gets here.
 */
@Component(service = Filter.class, property = {
        "osgi.http.whiteboard.filter.name=daqlab-console-csrf",
        "osgi.http.whiteboard.filter.pattern=/*",
        "osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=" + ConsoleCsrfFilter.CONSOLE_CONTEXT + ")"})
public final class ConsoleCsrfFilter implements Filter {

    /** The servlet context the Felix Web Console registers its servlet in. */
    static final String CONSOLE_CONTEXT = "org.apache.felix.webconsole";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleCsrfFilter.class);

    private final CsrfTokens tokens;
    private final String script;

    @Activate
    public ConsoleCsrfFilter(@Reference CsrfTokens tokens) {
        this.tokens = tokens;
        try (InputStream in = ConsoleCsrfFilter.class.getResourceAsStream("/console/daqlab-console.js")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("@HEADER@", CsrfTokens.HEADER)
                    .replace("@PARAM@", CsrfTokens.PARAMETER);
        } catch (IOException e) {
            throw new UncheckedIOException("the bundle lacks console/daqlab-console.js", e);
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        if (changesState(request) && !tokens.carriesValidToken(request)) {
            LOG.warn("refused {} {} from {}: no valid CSRF token (a page of another site, or a script without the "
                    + "token of GET /system/console/daq/api/csrf)", request.getMethod(), request.getRequestURI(),
                    request.getRemoteAddr());
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType("text/plain");
            response.setCharacterEncoding("UTF-8");
            response.getWriter().write("This console request changes state and needs daqlab's CSRF token. In a "
                    + "browser, reload the console page. A script gets the token from GET "
                    + "/system/console/daq/api/csrf and sends it in the " + CsrfTokens.HEADER + " header.\n");
            return;
        }
        if (!"GET".equals(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        TokenInjectingResponse wrapped = new TokenInjectingResponse(response);
        chain.doFilter(request, wrapped);
        wrapped.finish(pageScript(request));
    }

    /** Whether the console would change something for this request. */
    static boolean changesState(HttpServletRequest request) {
        if (!SAFE_METHODS.contains(request.getMethod().toUpperCase(Locale.ROOT))) {
            return true;
        }
        // the configuration manager answers GET ...?post=true like a POST (applying, deleting, unbinding)
        return "true".equals(CsrfTokens.queryParameter(request.getQueryString(), "post"));
    }

    private String pageScript(HttpServletRequest request) {
        return "<script>" + script.replace("@TOKEN@", tokens.token(request)) + "</script>\n";
    }
}
