package org.daqlab.writer.tiff.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The temporary files this bundle's writers created in this JVM. Recovery never opens them: they are
 * live, or closed and waiting for the core's rename; and opening and closing a file's lock file here
 * would release the lock its writer holds (on Linux closing any channel of a file releases every lock
 * the process has on it). Entries whose file is gone (renamed by the core) are pruned as the set grows.
 */
final class OwnFiles {

    private static final Set<Path> CREATED = ConcurrentHashMap.newKeySet();
    private static int pruneAt = 1024;

    private OwnFiles() {
    }

    static void add(Path path) {
        CREATED.add(key(path));
        if (CREATED.size() >= pruneAt) {
            prune();
        }
    }

    static boolean contains(Path path) {
        return CREATED.contains(key(path));
    }

    private static synchronized void prune() {
        if (CREATED.size() >= pruneAt) {
            CREATED.removeIf(p -> !Files.exists(p));
            pruneAt = Math.max(1024, 2 * CREATED.size());
        }
    }

    private static Path key(Path path) {
        return path.toAbsolutePath().normalize();
    }
}
