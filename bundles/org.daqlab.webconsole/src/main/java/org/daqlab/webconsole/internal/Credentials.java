package org.daqlab.webconsole.internal;

/**
 * A Web Console user name and password as one source gives them. Blank values count as not given and are
 * {@code null}. The password is plain when an administrator or the launcher gives it, and usually hashed
 * when read from the console's configuration.
 */
record Credentials(String user, String password) {

    /** Nothing given. */
    static final Credentials NONE = new Credentials(null, null);

    Credentials {
        user = user == null || user.isBlank() ? null : user;
        password = password == null || password.isBlank() ? null : password;
    }

    boolean hasPassword() {
        return password != null;
    }

    /** Leaves the password out, so that logging a value of this type never reveals it. */
    @Override
    public String toString() {
        return "Credentials[user=" + user + ", password=" + (hasPassword() ? "<given>" : "<none>") + "]";
    }
}
