package org.daqlab.api.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted on a directory for a test (a real file system that fills up, or is read-only),
 * when this process may mount one (root, or CAP_SYS_ADMIN); {@link #close} unmounts it. Shared by the
 * writers' disk-full and unwritable-directory tests.
 */
public final class Tmpfs implements AutoCloseable {

    public final Path directory;

    private Tmpfs(Path directory) {
        this.directory = directory;
    }

    /**
     * Mounts a tmpfs with {@code options} (e.g. {@code size=2m}, {@code ro}) on {@code directory}.
     *
     * @return the mount, or {@code null} if mounting is not permitted here; {@code why} then holds the reason
     */
    public static Tmpfs mount(Path directory, String options, StringBuilder why) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        String output = run("mount", "-t", "tmpfs", "-o", options, "tmpfs", directory.toString());
        if (output != null) {
            why.append("cannot mount a tmpfs (").append(options).append(") on ").append(directory).append(": ").append(output);
            return null;
        }
        return new Tmpfs(directory);
    }

    /** Unmounts; lazily if a file is still open on it, so that no mount outlives the test. */
    @Override
    public void close() throws IOException, InterruptedException {
        String output = run("umount", directory.toString());
        if (output != null && run("umount", "-l", directory.toString()) != null) {
            throw new IOException("cannot unmount the test tmpfs " + directory + ": " + output);
        }
    }

    /** Runs a command; {@code null} if it succeeded, else its output. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            return notInstalled.getMessage();
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return command[0] + " did not finish in 30 s";
        }
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + output;
    }
}
