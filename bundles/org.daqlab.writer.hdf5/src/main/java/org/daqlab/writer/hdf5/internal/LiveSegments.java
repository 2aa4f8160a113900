package org.daqlab.writer.hdf5.internal;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code .h5.part} files that HDF5 writers of this JVM are writing. Recovery asks here before it
 * touches a leftover: a live writer's lock on its journal keeps other processes out, but on Linux
 * closing any channel of a file releases every lock the process holds on it, so recovery must not
 * even open (and close) the journal of a segment that this JVM is writing.
 */
final class LiveSegments {

    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    private LiveSegments() {
    }

    /** Marks {@code data} as being written here (before the file is created). */
    static void claim(Path data) {
        LIVE.add(key(data));
    }

    static void release(Path data) {
        LIVE.remove(key(data));
    }

    static boolean isLive(Path data) {
        return LIVE.contains(key(data));
    }

    private static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }
}
