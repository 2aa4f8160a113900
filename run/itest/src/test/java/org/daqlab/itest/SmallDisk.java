package org.daqlab.itest;

import org.daqlab.api.storage.Tmpfs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * A small real file system for a Pax Exam test, mounted from its configuration method, outside the
 * framework: {@link Tmpfs} comes from the api test jar, which the test probe does not carry, so only
 * this class (never loaded inside the framework) names it.
 */
final class SmallDisk {

    private static final Set<Path> MOUNTED = new HashSet<>();

    private SmallDisk() {
    }

    /**
     * Mounts a tmpfs with {@code options} on {@code directory}, unmounted when the test JVM exits; once per
     * JVM, as Pax Exam may ask a test class for its configuration more than once.
     */
    static synchronized Path mountUntilExit(Path directory, String options) throws IOException, InterruptedException {
        if (!MOUNTED.add(directory)) {
            return directory;
        }
        StringBuilder why = new StringBuilder();
        Tmpfs tmpfs = Tmpfs.mount(directory, options, why);
        if (tmpfs == null) {
            throw new AssertionError("the test needs a small real file system: " + why);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                tmpfs.close();
            } catch (IOException | InterruptedException e) {
                System.err.println("cannot unmount " + directory + ": " + e.getMessage());
            }
        }, "unmount " + directory));
        return directory;
    }
}
