package org.daqlab.writer.tiff.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The mark of an unfinished stack: {@code <file>.tif.part.lock} beside it, locked while its writer
 * lives and deleted once the stack is complete. After a crash it remains, unlocked, and tells recovery
 * which {@code .tif.part} to complete. The lock cannot be on the TIFF file itself: the core opens and
 * closes the data file to sync it at every flush, and on Linux that releases the process's locks on it.
 */
final class LockFile {

    static final String SUFFIX = ".lock";

    private final Path path;
    private final FileChannel channel;

    private LockFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** The lock file of data file {@code data}. */
    static Path of(Path data) {
        return data.resolveSibling(data.getFileName() + SUFFIX);
    }

    /**
     * Creates and locks the lock file of {@code data}.
     *
     * @throws IOException if it cannot be created, or another process holds it
     */
    static LockFile create(Path data) throws IOException {
        return lock(of(data), true);
    }

    /**
     * Locks an existing lock file, as recovery does.
     *
     * @return the lock, or {@code null} if a live writer holds it
     */
    static LockFile tryExisting(Path lockFile) throws IOException {
        return lock(lockFile, false);
    }

    private static LockFile lock(Path path, boolean create) throws IOException {
        FileChannel channel = create
                ? FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE)
                : FileChannel.open(path, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException heldInThisJvm) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            if (create) {
                throw new IOException(path + " is locked by another process: another writer uses the same file; "
                        + "give each writer instance its own output_dir or file_name_template");
            }
            return null;
        }
        return new LockFile(path, channel);
    }

    /** The stack is complete: the mark goes (while it is still locked, so nobody takes it in between). */
    void delete() throws IOException {
        try {
            Files.deleteIfExists(path);
        } finally {
            channel.close();
        }
    }

    /** Releases the lock and keeps the mark: the stack is not complete, recovery completes it. */
    void release() throws IOException {
        channel.close();
    }
}
