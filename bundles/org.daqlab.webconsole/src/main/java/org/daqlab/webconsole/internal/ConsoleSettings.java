package org.daqlab.webconsole.internal;

import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What the Felix Web Console and the Felix HTTP Jetty it runs on read, and how they resolve it: a value in
 * their ConfigurationAdmin configuration wins over the framework property, which wins over the built-in
 * default.
 */
final class ConsoleSettings {

    static final String CONSOLE_PID = "org.apache.felix.webconsole.internal.servlet.OsgiManager";
    static final String USERNAME = "username";
    static final String PASSWORD = "password";
    static final String MANAGER_ROOT = "manager.root";
    static final String USERNAME_PROPERTY = "felix.webconsole.username";
    static final String MANAGER_ROOT_PROPERTY = "felix.webconsole.manager.root";

    static final String DEFAULT_USER = "admin";
    /** The console's built-in password; whatever hash the console holds for it, it lets anyone in. */
    static final String DEFAULT_PASSWORD = "admin";
    /** How the console stores {@link #DEFAULT_PASSWORD}: unsalted, base64(sha256("admin")). */
    static final String DEFAULT_PASSWORD_HASH = "{sha-256}jGl25bVBBBW96Qi9Te4V37Fnqchz/Eu4qB9vKrRIqRg=";
    static final String DEFAULT_MANAGER_ROOT = "/system/console";

    static final String HTTP_PID = "org.apache.felix.http";
    /** Both the configuration key and the framework property of Felix HTTP. */
    static final String HTTP_PORT = "org.osgi.service.http.port";
    /** Both the configuration key and the framework property of Felix HTTP. */
    static final String HTTP_HOST = "org.apache.felix.http.host";
    static final String DEFAULT_HTTP_PORT = "8080";
    /** daqlab's launcher binds Jetty to the loopback interface unless told otherwise. */
    static final String DEFAULT_HTTP_HOST = "127.0.0.1";

    private ConsoleSettings() {
    }

    /**
     * The credentials the console checks requests against.
     *
     * @param consoleConfiguration the properties of the console's configuration, {@code null} if there is none
     * @param frameworkProperty    framework property lookup, {@code null} for an unset property
     */
    static Credentials currentCredentials(Map<String, ?> consoleConfiguration, UnaryOperator<String> frameworkProperty) {
        String user = resolve(consoleConfiguration, USERNAME, frameworkProperty, USERNAME_PROPERTY, DEFAULT_USER);
        String password;
        if (consoleConfiguration == null) {
            // Only a password in the console's configuration counts as set by an admin. The framework
            // property (felix.webconsole.password) is daqlab's lock until then: the distribution sets it to the hash of a random
            // value so that the console's admin/admin default never works, not even for the moment
            // before this component has written real credentials.
            password = DEFAULT_PASSWORD_HASH;
        } else {
            // A configuration without a password does not fall back to the framework property: the console
            // writes its default hash into that configuration.
            Object configured = consoleConfiguration.get(PASSWORD);
            password = configured == null ? DEFAULT_PASSWORD_HASH : configured.toString();
        }
        return new Credentials(user, password);
    }

    /**
     * The address of the console, for telling the operator where to log in.
     *
     * @param consoleConfiguration the properties of the console's configuration, {@code null} if there is none
     * @param httpConfiguration    the properties of Jetty's configuration, {@code null} if there is none
     * @param frameworkProperty    framework property lookup, {@code null} for an unset property
     */
    static String consoleUrl(Map<String, ?> consoleConfiguration, Map<String, ?> httpConfiguration,
            UnaryOperator<String> frameworkProperty) {
        String host = resolve(httpConfiguration, HTTP_HOST, frameworkProperty, HTTP_HOST, DEFAULT_HTTP_HOST);
        String port = resolve(httpConfiguration, HTTP_PORT, frameworkProperty, HTTP_PORT, DEFAULT_HTTP_PORT);
        String root = resolve(consoleConfiguration, MANAGER_ROOT, frameworkProperty, MANAGER_ROOT_PROPERTY,
                DEFAULT_MANAGER_ROOT);
        return "http://" + host + ":" + port + (root.startsWith("/") ? root : "/" + root);
    }

    private static String resolve(Map<String, ?> configuration, String key, UnaryOperator<String> frameworkProperty,
            String frameworkPropertyName, String defaultValue) {
        Object configured = configuration == null ? null : configuration.get(key);
        if (configured != null && !configured.toString().isBlank()) {
            return configured.toString();
        }
        String property = frameworkProperty.apply(frameworkPropertyName);
        return property == null || property.isBlank() ? defaultValue : property;
    }
}
