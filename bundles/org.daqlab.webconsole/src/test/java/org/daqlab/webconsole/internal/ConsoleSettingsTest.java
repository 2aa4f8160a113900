package org.daqlab.webconsole.internal;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConsoleSettingsTest {

    private static final UnaryOperator<String> NO_PROPERTIES = name -> null;

    @Test
    void withoutConfigurationTheUserComesFromTheFrameworkAndThePasswordCountsAsNotSetByAnAdmin() {
        assertEquals(new Credentials("admin", ConsoleSettings.DEFAULT_PASSWORD_HASH),
                ConsoleSettings.currentCredentials(null, NO_PROPERTIES));

        Map<String, String> properties = Map.of("felix.webconsole.username", "ops", "felix.webconsole.password", "x");
        // felix.webconsole.password is daqlab's placeholder lock, not an admin's choice
        assertEquals(new Credentials("ops", ConsoleSettings.DEFAULT_PASSWORD_HASH),
                ConsoleSettings.currentCredentials(null, properties::get));
    }

    @Test
    void aConfigurationWithoutPasswordMeansTheDefaultHashWhateverTheFrameworkPropertySays() {
        Map<String, String> properties = Map.of("felix.webconsole.username", "ops", "felix.webconsole.password", "x");

        assertEquals(new Credentials("ops", ConsoleSettings.DEFAULT_PASSWORD_HASH),
                ConsoleSettings.currentCredentials(Map.of("manager.root", "/console"), properties::get));
    }

    @Test
    void theConfigurationWinsOverFrameworkProperties() {
        Map<String, String> properties = Map.of("felix.webconsole.username", "ops", "felix.webconsole.password", "x");

        assertEquals(new Credentials("lab", "{sha-256}y"), ConsoleSettings.currentCredentials(
                Map.of("username", "lab", "password", "{sha-256}y"), properties::get));
    }

    @Test
    void theConsoleUrlDefaultsToLoopbackPort8080AndSystemConsole() {
        assertEquals("http://127.0.0.1:8080/system/console", ConsoleSettings.consoleUrl(null, null, NO_PROPERTIES));
    }

    @Test
    void theConsoleUrlFollowsFrameworkPropertiesAndConfigurations() {
        Map<String, String> properties = Map.of("org.osgi.service.http.port", "8181",
                "org.apache.felix.http.host", "10.0.0.5", "felix.webconsole.manager.root", "/admin");
        assertEquals("http://10.0.0.5:8181/admin", ConsoleSettings.consoleUrl(null, null, properties::get));

        assertEquals("http://10.0.0.5:9090/console", ConsoleSettings.consoleUrl(Map.of("manager.root", "console"),
                Map.of("org.osgi.service.http.port", 9090), properties::get));
    }
}
