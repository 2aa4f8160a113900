package org.daqlab.webconsole.internal.security;

import jakarta.servlet.http.HttpServletRequest;
import org.osgi.service.component.annotations.Component;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * CSRF tokens for the Web Console. The console authenticates every request with HTTP Basic, which a browser also
 * sends along with a request that another site's page makes it send; a token such a page cannot read is what tells
 * the console's own pages apart. The token is an HMAC of the authenticated user name under a key made at activation:
 * no session is needed, scripts can fetch it with their credentials, and it changes when the platform restarts.
 */
@Component(service = CsrfTokens.class)
public final class CsrfTokens {

    /** Request header that carries the token (the console's pages send it with every state-changing request). */
    public static final String HEADER = "X-Daqlab-CSRF";
    /** Query parameter that carries it for plain form submissions, which cannot set headers. */
    public static final String PARAMETER = "daqlab_csrf";

    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    public CsrfTokens() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        key = new SecretKeySpec(secret, ALGORITHM);
    }

    /** The token of the request's authenticated user. */
    public String token(HttpServletRequest request) {
        return token(user(request));
    }

    /** Whether the request carries its user's token, in the header or the query string. */
    public boolean carriesValidToken(HttpServletRequest request) {
        String presented = request.getHeader(HEADER);
        if (presented == null) {
            presented = queryParameter(request.getQueryString(), PARAMETER);
        }
        return presented != null && MessageDigest.isEqual(
                presented.getBytes(StandardCharsets.US_ASCII), token(request).getBytes(StandardCharsets.US_ASCII));
    }

    String token(String user) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            byte[] digest = mac.doFinal(("daqlab-csrf:" + user).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime provides " + ALGORITHM, e);
        }
    }

    private static String user(HttpServletRequest request) {
        String user = request.getRemoteUser();
        return user == null ? "" : user;
    }

    /**
     * One parameter of a query string, read without {@code getParameter}: that would parse a form body, which the
     * console's own servlet must still find unread.
     */
    static String queryParameter(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                // tokens are base64url: no percent-encoding to undo
                return eq < 0 ? "" : pair.substring(eq + 1);
            }
        }
        return null;
    }
}
