package org.daqlab.webconsole.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Password hashes in the format the Felix Web Console checks its {@code password} setting against:
 * {@code {sha-256}<salt>-<iterations>-<digest>}, where the digest is SHA-256 applied {@code iterations}
 * times to UTF-8({@code salt + password}), Base64 with padding. The console also accepts the shorter forms
 * {@code {algorithm}<salt>-<digest>} (one iteration), {@code {algorithm}<digest>} (no salt, one iteration,
 * the form of its built-in default) and a plain, unhashed value; {@link #matches} accepts all of them the
 * way the console does, so it answers "would the console let this password in".
 */
final class ConsolePasswordHash {

    /** Lower case: the console rebuilds the hash with the algorithm name lower-cased and compares strings. */
    private static final String ALGORITHM = "sha-256";
    /** The stored hash is readable (it shows up as a service property), so make guessing expensive. */
    private static final int ITERATIONS = 1000;
    /** 8 bytes give the console's own salt length of 16 hex digits; hex never contains the '-' separator. */
    private static final int SALT_BYTES = 8;
    private static final char SEPARATOR = '-';
    private static final SecureRandom RANDOM = new SecureRandom();

    private ConsolePasswordHash() {
    }

    /** Hashes a plain password with a new random salt, in the console's salted and iterated form. */
    static String hash(String plain) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        try {
            return format(ALGORITHM, HexFormat.of().formatHex(salt), ITERATIONS, plain);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /**
     * Whether {@code plain} is the password that {@code stored} (a console {@code password} value, hashed in any
     * of the accepted forms or plain) stands for. An algorithm the runtime does not know matches nothing.
     */
    static boolean matches(String plain, String stored) {
        if (plain == null || stored == null) {
            return false;
        }
        int algorithmEnd = stored.startsWith("{") ? stored.indexOf('}') : -1;
        if (algorithmEnd <= 0) {
            return constantTimeEquals(plain, stored);
        }
        String algorithm = stored.substring(1, algorithmEnd);
        String[] parts = stored.substring(algorithmEnd + 1).split(String.valueOf(SEPARATOR), -1);
        String salt;
        int iterations;
        switch (parts.length) {
            case 1 -> {
                salt = null;
                iterations = 1;
            }
            case 2 -> {
                salt = parts[0];
                iterations = 1;
            }
            case 3 -> {
                salt = parts[0];
                try {
                    iterations = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    return false;
                }
            }
            default -> {
                return false;
            }
        }
        try {
            // Rebuild the whole value and compare, as the console does: a variant it would reject (an
            // upper-case algorithm, "01000" iterations) then fails here too.
            return constantTimeEquals(format(algorithm, salt, iterations, plain), stored);
        } catch (NoSuchAlgorithmException e) {
            return false;
        }
    }

    private static String format(String algorithm, String salt, int iterations, String plain)
            throws NoSuchAlgorithmException {
        boolean salted = salt != null && !salt.isEmpty();
        int rounds = salted ? iterations : 1; // the console ignores the iteration count of unsalted hashes
        MessageDigest digest = MessageDigest.getInstance(algorithm);
        byte[] value = ((salted ? salt : "") + plain).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < rounds; i++) {
            value = digest.digest(value);
        }
        StringBuilder hashed = new StringBuilder().append('{').append(algorithm.toLowerCase(Locale.ROOT)).append('}');
        if (salted) {
            hashed.append(salt).append(SEPARATOR);
            if (rounds > 1) {
                hashed.append(rounds).append(SEPARATOR);
            }
        }
        return hashed.append(Base64.getEncoder().encodeToString(value)).toString();
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
