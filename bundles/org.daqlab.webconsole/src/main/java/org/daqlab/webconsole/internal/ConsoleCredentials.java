package org.daqlab.webconsole.internal;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Keeps the Felix Web Console from running with its built-in admin/admin. On activation it stores the password
 * given in configuration {@value #PID} or by the launcher, keeps a password an administrator chose, or else
 * generates one and prints it once to standard output. Passwords reach the console's configuration only
 * salted and hashed, and a password entered in {@value #PID} is removed from there once stored.
 */
@Component(
        configurationPid = ConsoleCredentials.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true)
@Designate(ocd = ConsoleAccessConfig.class)
public final class ConsoleCredentials {

    static final String PID = "org.daqlab.webconsole";
    /** Configuration key of {@link ConsoleAccessConfig#console__password()}. */
    static final String PASSWORD_KEY = "console_password";
    static final String LAUNCHER_USER_PROPERTY = "daqlab.console.user";
    /** Set by the launcher from the environment variable DAQLAB_CONSOLE_PASSWORD. */
    static final String LAUNCHER_PASSWORD_PROPERTY = "daqlab.console.password";

    /** Letters and digits only, so a generated password survives shells, URLs and copy-and-paste. */
    private static final String PASSWORD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    /** 20 symbols out of 62: about 119 bits. */
    private static final int GENERATED_PASSWORD_LENGTH = 20;
    /** A multi-location: the console bundle receives the configuration without us knowing its location. */
    private static final String ANY_BUNDLE = "?";

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleCredentials.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ConfigurationAdmin configurationAdmin;
    private final UnaryOperator<String> frameworkProperty;
    private final PrintStream operatorOutput;

    @Activate
    public ConsoleCredentials(@Reference ConfigurationAdmin configurationAdmin, BundleContext context) {
        this(configurationAdmin, context::getProperty, System.out);
    }

    /** Framework properties and the operator's output passed in, so tests need no framework. */
    ConsoleCredentials(ConfigurationAdmin configurationAdmin, UnaryOperator<String> frameworkProperty,
            PrintStream operatorOutput) {
        this.configurationAdmin = configurationAdmin;
        this.frameworkProperty = frameworkProperty;
        this.operatorOutput = operatorOutput;
    }

    @Activate
    void activate(ConsoleAccessConfig config) {
        apply(config, new Credentials(frameworkProperty.apply(LAUNCHER_USER_PROPERTY),
                frameworkProperty.apply(LAUNCHER_PASSWORD_PROPERTY)));
    }

    /**
     * Our configuration changed: an administrator entered a new password, or we have just removed one. Handling
     * the change here instead of by re-activation leaves out the launcher's password: it was applied at
     * activation, and applying it again would undo the password an administrator has just set. Our own removal
     * of the password then finds nothing to do, which ends the round trip.
     */
    @Modified
    void modified(ConsoleAccessConfig config) {
        apply(config, Credentials.NONE);
    }

    private void apply(ConsoleAccessConfig config, Credentials launcher) {
        Credentials configured = new Credentials(config.console__user(), config.console__password());
        try {
            Map<String, Object> consoleConfiguration = properties(ConsoleSettings.CONSOLE_PID);
            CredentialsDecision decision = CredentialsDecision.decide(configured, launcher,
                    ConsoleSettings.currentCredentials(consoleConfiguration, frameworkProperty),
                    ConsoleCredentials::generatePassword);
            // Worked out before storing: a generated password that is stored but never shown locks everyone out.
            String url = ConsoleSettings.consoleUrl(consoleConfiguration, properties(ConsoleSettings.HTTP_PID),
                    frameworkProperty);
            if (decision.outcome().stores()) {
                storeInConsole(decision.user(), decision.password());
            }
            if (configured.hasPassword()) {
                removePasswordFromOwnConfiguration();
            }
            report(decision, url);
        } catch (IOException e) {
            LOG.error("Could not update the Web Console credentials through ConfigurationAdmin", e);
        }
    }

    /**
     * Writes user and hashed password together: a console configuration without a password would get the
     * console's default admin hash written into it. Other keys of the configuration are kept.
     */
    private void storeInConsole(String user, String password) throws IOException {
        Configuration configuration = configurationAdmin.getConfiguration(ConsoleSettings.CONSOLE_PID, ANY_BUNDLE);
        Dictionary<String, Object> properties = configuration.getProperties();
        if (properties == null) {
            properties = new Hashtable<>();
        }
        properties.put(ConsoleSettings.USERNAME, user);
        properties.put(ConsoleSettings.PASSWORD, ConsolePasswordHash.hash(password));
        configuration.update(properties);
    }

    /** No plain password stays in ConfigurationAdmin, where anyone with configuration access could read it. */
    private void removePasswordFromOwnConfiguration() throws IOException {
        Configuration own = existing(PID);
        if (own == null) {
            return;
        }
        Dictionary<String, Object> properties = own.getProperties();
        if (properties.remove(PASSWORD_KEY) != null) {
            own.update(properties);
        }
    }

    private void report(CredentialsDecision decision, String url) {
        switch (decision.outcome()) {
            case STORE_CONFIGURED -> LOG.info("Web Console at {}: stored the password from configuration {} hashed, "
                    + "for user '{}', and removed it from that configuration", url, PID, decision.user());
            case STORE_LAUNCHER -> LOG.info("Web Console at {}: stored the password from DAQLAB_CONSOLE_PASSWORD "
                    + "(framework property {}) hashed, for user '{}'", url, LAUNCHER_PASSWORD_PROPERTY, decision.user());
            case STORE_GENERATED -> {
                operatorOutput.print(generatedPasswordNotice(url, decision.user(), decision.password()));
                operatorOutput.flush();
                LOG.info("Web Console at {}: generated a password for user '{}', stored it hashed and printed it "
                        + "once to standard output", url, decision.user());
            }
            case UNCHANGED -> LOG.debug("Web Console at {}: credentials unchanged, user '{}'", url, decision.user());
        }
    }

    /** The only place a password is ever shown; framed so it stands out in the startup output. */
    private static String generatedPasswordNotice(String url, String user, String password) {
        List<String> lines = List.of(
                "daqlab Web Console: " + url,
                "user: " + user + "  password: " + password,
                "(generated now and stored hashed; it will not be shown again - set a new one in",
                " Configuration > daqlab Web Console access or with DAQLAB_CONSOLE_PASSWORD)");
        int width = lines.stream().mapToInt(String::length).max().orElseThrow();
        String newline = System.lineSeparator();
        String border = "+" + "-".repeat(width + 2) + "+" + newline;
        StringBuilder notice = new StringBuilder(newline).append(border);
        for (String line : lines) {
            notice.append("| ").append(line).append(" ".repeat(width - line.length())).append(" |").append(newline);
        }
        return notice.append(border).toString();
    }

    private static String generatePassword() {
        StringBuilder password = new StringBuilder(GENERATED_PASSWORD_LENGTH);
        for (int i = 0; i < GENERATED_PASSWORD_LENGTH; i++) {
            password.append(PASSWORD_ALPHABET.charAt(RANDOM.nextInt(PASSWORD_ALPHABET.length())));
        }
        return password.toString();
    }

    /** The configuration with this PID, {@code null} if there is none; unlike getConfiguration it creates none. */
    private Configuration existing(String pid) throws IOException {
        try {
            Configuration[] found = configurationAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
            return found == null ? null : found[0];
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("PID " + pid + " does not fit into a filter", e);
        }
    }

    private Map<String, Object> properties(String pid) throws IOException {
        Configuration configuration = existing(pid);
        return configuration == null ? null : FrameworkUtil.asMap(configuration.getProperties());
    }
}
