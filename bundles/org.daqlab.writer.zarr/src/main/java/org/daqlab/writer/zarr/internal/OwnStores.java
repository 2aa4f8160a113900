package org.daqlab.writer.zarr.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stores this bundle's writers created in this JVM. They are never leftovers of a crash, but
 * between a segment's close and the core's rename they are unlocked and complete, and a recovery
 * that renamed one then would make the core's rename fail; so recovery skips them. (Nor may recovery
 * open the lock file of a live store of this JVM: on Linux closing any channel of a file releases
 * every lock the process holds on it.) Entries whose store is gone (renamed by the core) are pruned
 * as the set grows.
 */
final class OwnStores {

    private static final Set<Path> CREATED = ConcurrentHashMap.newKeySet();
    private static int pruneAt = 1024;

    private OwnStores() {
    }

    static void add(Path store) {
        CREATED.add(key(store));
        if (CREATED.size() >= pruneAt) {
            prune();
        }
    }

    static boolean contains(Path store) {
        return CREATED.contains(key(store));
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
