package org.daqlab.writer.parquet.internal;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stream files that a writer or a recovery in this JVM has open. Recovery asks here before it
 * opens a file: file locks keep other processes out, but on Linux closing any channel of a file
 * releases every lock the process holds on it, so recovery must not even open (and close) a file that
 * a writer of this JVM holds, or another process could then take it.
 */
final class LiveFiles {

    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    private LiveFiles() {
    }

    /** Marks {@code file} open here; {@code false} if it already is. */
    static boolean claim(Path file) {
        return OPEN.add(key(file));
    }

    static void release(Path file) {
        OPEN.remove(key(file));
    }

    private static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }
}
