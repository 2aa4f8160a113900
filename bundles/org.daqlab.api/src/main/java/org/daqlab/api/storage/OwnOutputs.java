package org.daqlab.api.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The temporary outputs (files and directories) that writers in this JVM created: a writer adds
 * each one it opens, and its recovery of crash leftovers skips them. They are never leftovers of a
 * crash, but between a segment's close and the core's rename they are unlocked and complete, and a
 * recovery that renamed one then would make the core's rename fail. Recovery must not even open a
 * live one's lock: on Linux closing any channel of a file releases every lock the process holds on
 * it. Entries whose output is gone (renamed by the core) are pruned as the set grows.
 */
public final class OwnOutputs {

    private static final Set<Path> CREATED = ConcurrentHashMap.newKeySet();
    private static int pruneAt = 1024;

    private OwnOutputs() {
    }

    /** Records {@code path} (an {@link OutputFile#path()}) as created by a writer of this JVM. */
    public static void add(Path path) {
        CREATED.add(key(path));
        if (CREATED.size() >= pruneAt) {
            prune();
        }
    }

    /** Whether a writer of this JVM created {@code path}. */
    public static boolean contains(Path path) {
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
