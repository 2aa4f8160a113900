package org.daqlab.webconsole.internal;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The component against an in-memory ConfigurationAdmin: what ends up stored, and what is printed. */
class ConsoleCredentialsTest {

    private static final String CONSOLE = ConsoleSettings.CONSOLE_PID;
    private static final Pattern PRINTED_PASSWORD = Pattern.compile("password: ([A-Za-z0-9]+)");

    private final InMemoryConfigurationAdmin configurationAdmin = new InMemoryConfigurationAdmin();
    private final Map<String, String> frameworkProperties = new HashMap<>();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @Test
    void theFirstStartGeneratesAPasswordStoresItHashedAndPrintsItOnce() {
        frameworkProperties.put("org.osgi.service.http.port", "8181");

        component().activate(config("admin", ""));

        String output = printed();
        Matcher password = PRINTED_PASSWORD.matcher(output);
        assertTrue(password.find(), output);
        assertTrue(password.group(1).length() >= 16, output);
        assertTrue(output.contains("daqlab Web Console: http://127.0.0.1:8181/system/console"), output);
        assertTrue(output.contains("it will not be shown again"), output);
        Map<String, Object> stored = configurationAdmin.properties(CONSOLE);
        assertEquals("admin", stored.get("username"));
        assertStoredHashOf(password.group(1), stored);
        assertEquals("?", configurationAdmin.location(CONSOLE));

        printed.reset();
        component().activate(config("admin", ""));

        assertEquals("", printed());
        assertEquals(1, configurationAdmin.updates(CONSOLE));
    }

    @Test
    void aConsoleConfigurationWithoutPasswordGetsUserAndPasswordAndKeepsItsOtherSettings() {
        configurationAdmin.put(CONSOLE, Map.of("manager.root", "/console", "realm", "daqlab"));

        component().activate(config("admin", ""));

        Matcher password = PRINTED_PASSWORD.matcher(printed());
        assertTrue(password.find());
        assertTrue(printed().contains("http://127.0.0.1:8080/console"), printed());
        Map<String, Object> stored = configurationAdmin.properties(CONSOLE);
        assertEquals("admin", stored.get("username"));
        assertStoredHashOf(password.group(1), stored);
        assertEquals("/console", stored.get("manager.root"));
        assertEquals("daqlab", stored.get("realm"));
    }

    @Test
    void aPasswordAnAdministratorSetIsKept() {
        configurationAdmin.put(CONSOLE, Map.of("username", "ops", "password", ConsolePasswordHash.hash("chosen")));

        component().activate(config("admin", ""));

        assertEquals("", printed());
        assertEquals(1, configurationAdmin.updates(CONSOLE));
    }

    @Test
    void aConfiguredPasswordIsStoredHashedAndRemovedFromOurConfiguration() {
        configurationAdmin.put(ConsoleCredentials.PID, Map.of("console_user", "lab", "console_password", "N3w pass"));
        ConsoleCredentials component = component();

        component.activate(config("lab", "N3w pass"));

        Map<String, Object> stored = configurationAdmin.properties(CONSOLE);
        assertEquals("lab", stored.get("username"));
        assertStoredHashOf("N3w pass", stored);
        Map<String, Object> own = configurationAdmin.properties(ConsoleCredentials.PID);
        assertFalse(own.containsKey("console_password"), own.toString());
        assertEquals("lab", own.get("console_user"));
        assertEquals("", printed());

        // ConfigurationAdmin reports our removal back as a modification: nothing more to do
        component.modified(config("lab", ""));

        assertEquals(1, configurationAdmin.updates(CONSOLE));
        assertEquals(2, configurationAdmin.updates(ConsoleCredentials.PID));
    }

    @Test
    void theLaunchersPasswordIsAppliedAtActivationButDoesNotUndoOneSetLater() {
        frameworkProperties.put("daqlab.console.password", "from-env");
        ConsoleCredentials component = component();

        component.activate(config("admin", ""));

        assertStoredHashOf("from-env", configurationAdmin.properties(CONSOLE));

        configurationAdmin.put(ConsoleCredentials.PID, Map.of("console_password", "from-ui"));
        component.modified(config("admin", "from-ui"));
        component.modified(config("admin", ""));

        assertStoredHashOf("from-ui", configurationAdmin.properties(CONSOLE));
        assertEquals("", printed());
    }

    @Test
    void theLaunchersPasswordIsNotRewrittenWhenTheConsoleAlreadyHasIt() {
        frameworkProperties.put("daqlab.console.user", "env");
        frameworkProperties.put("daqlab.console.password", "from-env");
        component().activate(config("admin", ""));

        component().activate(config("admin", ""));

        assertEquals("env", configurationAdmin.properties(CONSOLE).get("username"));
        assertEquals(1, configurationAdmin.updates(CONSOLE));
    }

    private ConsoleCredentials component() {
        return new ConsoleCredentials(configurationAdmin, frameworkProperties::get,
                new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static void assertStoredHashOf(String plain, Map<String, Object> consoleConfiguration) {
        String stored = (String) consoleConfiguration.get("password");
        assertTrue(stored.startsWith("{sha-256}") && stored.contains("-1000-"), "not salted and iterated: " + stored);
        assertTrue(ConsolePasswordHash.matches(plain, stored), "stored password is not the expected one");
    }

    /** What DS hands to activate and modified: the configuration's values, or the defaults where it has none. */
    private static ConsoleAccessConfig config(String user, String password) {
        return new ConsoleAccessConfig() {
            @Override
            public String console__user() {
                return user;
            }

            @Override
            public String console__password() {
                return password;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return ConsoleAccessConfig.class;
            }
        };
    }
}
