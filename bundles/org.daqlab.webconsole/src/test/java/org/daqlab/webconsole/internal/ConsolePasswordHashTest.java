package org.daqlab.webconsole.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsolePasswordHashTest {

    @Test
    void theConsoleAcceptsOurHash() throws Exception {
        String stored = ConsolePasswordHash.hash("Lab-Console 7");

        assertTrue(ConsolePassword.matches("Lab-Console 7", stored));
        assertFalse(ConsolePassword.matches("Lab-Console 8", stored));
    }

    @Test
    void hashesAreSaltedWithSixteenHexDigitsAndIteratedThousandTimes() {
        assertTrue(ConsolePasswordHash.hash("secret").matches("\\{sha-256}[0-9a-f]{16}-1000-[A-Za-z0-9+/]{43}="));
    }

    @Test
    void everyHashHasItsOwnSalt() {
        String first = ConsolePasswordHash.hash("secret");
        String second = ConsolePasswordHash.hash("secret");

        assertNotEquals(salt(first), salt(second));
        assertTrue(ConsolePasswordHash.matches("secret", first));
        assertTrue(ConsolePasswordHash.matches("secret", second));
    }

    @Test
    void anAlgorithmTheRuntimeDoesNotKnowMatchesNothing() {
        assertFalse(ConsolePasswordHash.matches("admin", "{no-such-digest}jGl25bVBBBW96Qi9Te4V37Fnqchz/Eu4qB9vKrRIqRg="));
    }

    @ParameterizedTest(name = "{0} against {1}: {2}")
    @MethodSource("storedValues")
    void matchesAgreesWithTheConsole(String plain, String stored, boolean expected) throws Exception {
        assertEquals(expected, ConsolePassword.matches(plain, stored), "the console");
        assertEquals(expected, ConsolePasswordHash.matches(plain, stored), "ours");
    }

    static Stream<Arguments> storedValues() throws Exception {
        String ours = ConsolePasswordHash.hash("secret");
        String theConsoles = ConsolePassword.hash("secret");
        String saltedOnce = "{sha-256}0123456789abcdef-" + sha256Base64("0123456789abcdefsecret");
        return Stream.of(
                Arguments.of("admin", ConsoleSettings.DEFAULT_PASSWORD_HASH, true),
                Arguments.of("Admin", ConsoleSettings.DEFAULT_PASSWORD_HASH, false),
                Arguments.of("secret", ours, true),
                Arguments.of("secret!", ours, false),
                Arguments.of("secret", theConsoles, true),
                Arguments.of("secret!", theConsoles, false),
                Arguments.of("secret", saltedOnce, true),
                Arguments.of("secret!", saltedOnce, false),
                // variants the console rejects because it rebuilds the value and compares strings
                Arguments.of("secret", "{SHA-256}" + ours.substring("{sha-256}".length()), false),
                Arguments.of("secret", ours.replace("-1000-", "-01000-"), false),
                Arguments.of("secret", ours.replace("-1000-", "-many-"), false),
                // an unhashed value is compared as it is
                Arguments.of("plain", "plain", true),
                Arguments.of("plain", "plainer", false));
    }

    private static String salt(String hash) {
        int start = "{sha-256}".length();
        return hash.substring(start, hash.indexOf('-', start));
    }

    private static String sha256Base64(String text) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(digest);
    }

    /** The Web Console's own password handling, package-private in its jar, reached by reflection. */
    private static final class ConsolePassword {

        private static final String CLASS = "org.apache.felix.webconsole.internal.servlet.Password";

        static boolean matches(String plain, String stored) throws Exception {
            Class<?> type = Class.forName(CLASS);
            Constructor<?> parse = type.getDeclaredConstructor(String.class);
            parse.setAccessible(true);
            Method matches = type.getDeclaredMethod("matches", byte[].class);
            matches.setAccessible(true);
            return (Boolean) matches.invoke(parse.newInstance(stored), (Object) plain.getBytes(StandardCharsets.UTF_8));
        }

        static String hash(String plain) throws Exception {
            Method hash = Class.forName(CLASS).getDeclaredMethod("hashPassword", String.class);
            hash.setAccessible(true);
            return (String) hash.invoke(null, plain);
        }
    }
}
