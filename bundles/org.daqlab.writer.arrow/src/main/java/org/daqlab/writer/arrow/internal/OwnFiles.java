package org.daqlab.writer.arrow.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The temporary files this bundle's writers created in this JVM. They are never leftovers of a
 * crash, but between a segment's close and the core's rename they are unlocked and complete, and a
 * recovery that renamed one then would make the core's rename fail; so recovery skips them. Entries
 * whose file is gone (renamed by the core) are pruned as the set grows.
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
