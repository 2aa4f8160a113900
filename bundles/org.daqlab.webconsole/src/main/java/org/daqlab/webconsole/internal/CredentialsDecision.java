package org.daqlab.webconsole.internal;

import java.util.function.Supplier;

/**
 * Which credentials the Web Console should use, decided from what is given and what the console uses now.
 * Kept free of ConfigurationAdmin and output so the rules can be tested on their own.
 *
 * @param outcome  what to do
 * @param user     the user to store, or for {@link Outcome#UNCHANGED} the user the console keeps
 * @param password the plain password to store; {@code null} for {@link Outcome#UNCHANGED}
 */
record CredentialsDecision(Outcome outcome, String user, String password) {

    /** What {@link ConsoleCredentials} does with the console's configuration. */
    enum Outcome {
        /** Store the password given in our own configuration. */
        STORE_CONFIGURED,
        /** Store the password the launcher gave (framework property {@code daqlab.console.password}). */
        STORE_LAUNCHER,
        /** Only the built-in admin/admin protects the console: store a new random password and show it once. */
        STORE_GENERATED,
        /** The console already uses the given credentials, or a password an administrator chose: write nothing. */
        UNCHANGED;

        boolean stores() {
            return this != UNCHANGED;
        }
    }

    /**
     * Decides, in this order: a password in our own configuration; the launcher's password; keep the console's
     * password unless it is the built-in default; generate one.
     *
     * @param configured        user and password from our configuration; the user falls back to
     *                          {@value ConsoleSettings#DEFAULT_USER}
     * @param launcher          user and password from the launcher's framework properties; its user, when given,
     *                          also names the user of a generated password
     * @param current           what the console checks now (see {@link ConsoleSettings#currentCredentials})
     * @param generatedPassword called only when a password has to be generated
     */
    static CredentialsDecision decide(Credentials configured, Credentials launcher, Credentials current,
            Supplier<String> generatedPassword) {
        String configuredUser = configured.user() != null ? configured.user() : ConsoleSettings.DEFAULT_USER;
        String launcherUser = launcher.user() != null ? launcher.user() : configuredUser;
        if (configured.hasPassword()) {
            return store(Outcome.STORE_CONFIGURED, configuredUser, configured.password(), current);
        }
        if (launcher.hasPassword()) {
            return store(Outcome.STORE_LAUNCHER, launcherUser, launcher.password(), current);
        }
        if (!ConsolePasswordHash.matches(ConsoleSettings.DEFAULT_PASSWORD, current.password())) {
            return unchanged(current);
        }
        return new CredentialsDecision(Outcome.STORE_GENERATED, launcherUser, generatedPassword.get());
    }

    /**
     * Skips storing what the console already has: with {@code DAQLAB_CONSOLE_PASSWORD} set, every start would
     * otherwise hash the same password with a new salt and rewrite the console's configuration.
     */
    private static CredentialsDecision store(Outcome outcome, String user, String password, Credentials current) {
        boolean alreadyStored = user.equals(current.user()) && ConsolePasswordHash.matches(password, current.password());
        return alreadyStored ? unchanged(current) : new CredentialsDecision(outcome, user, password);
    }

    private static CredentialsDecision unchanged(Credentials current) {
        return new CredentialsDecision(Outcome.UNCHANGED, current.user(), null);
    }

    /** Leaves the password out, so that logging a decision never reveals it. */
    @Override
    public String toString() {
        return "CredentialsDecision[outcome=" + outcome + ", user=" + user + "]";
    }
}
