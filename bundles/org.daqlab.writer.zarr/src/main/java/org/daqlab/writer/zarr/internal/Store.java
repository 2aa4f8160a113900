package org.daqlab.writer.zarr.internal;

import org.daqlab.api.storage.OwnOutputs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The files of one Zarr store being written, and what makes them durable in the right order. New
 * chunk files are written in place (no reader looks at a chunk beyond an array's shape); files that
 * readers may already see (metadata, a chunk written partial at a flush) are replaced atomically
 * through a forced temporary file and a rename. {@link #sync} forces the files and directories
 * written since the last sync, so that metadata written after it never points to data that a power
 * loss could take back. Workers write chunks concurrently; {@link #sync} runs when they are idle.
 *
 * <p>A live store is marked by a lock on {@value #LOCK} inside it (other processes) and by
 * {@link OwnOutputs} (this JVM), so that recovery leaves it alone.
 */
final class Store {

    /** Marks a store being written; removed when the segment closes. Hidden, so no Zarr reader lists it. */
    static final String LOCK = ".daqlab-writing";
    /** Suffix of temporary files; with a leading '.', which no node name has. */
    static final String TEMP = ".tmp";

    final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Queue<Path> unsyncedFiles = new ConcurrentLinkedQueue<>();
    private final Set<Path> unsyncedDirectories = ConcurrentHashMap.newKeySet();

    private Store(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Takes the empty directory {@code root} as a store: registers and locks it. */
    static Store open(Path root) throws IOException {
        OwnOutputs.add(root);
        FileChannel channel = FileChannel.open(root.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("the new Zarr store " + root + " is locked by another process: a second daqlab "
                    + "writes to the same directory; give the writers different output_dir");
        }
        Store store = new Store(root, channel, lock);
        store.unsyncedDirectories.add(root);
        return store;
    }

    /** Creates a directory of the store (a group, an array). */
    void createDirectory(Path directory) throws IOException {
        Files.createDirectory(directory);
        unsyncedDirectories.add(directory);
        unsyncedDirectories.add(directory.getParent());
    }

    /** Writes a file that did not exist; forced at the next {@link #sync}. */
    void writeNew(Path file, ByteBuffer... data) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(channel, data);
        }
        unsyncedFiles.add(file);
        unsyncedDirectories.add(file.getParent());
    }

    /**
     * Replaces {@code file} (or creates it) atomically: a reader or a crash sees the old content or
     * the new one, never a mix, and the new content is on disk before the name points to it.
     */
    void replace(Path file, ByteBuffer... data) throws IOException {
        replaceFile(file, data);
        unsyncedDirectories.add(file.getParent());
    }

    /** {@link #replace} outside a store being written (recovery); the caller forces the directory if it must. */
    static void replaceFile(Path file, ByteBuffer... data) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + TEMP);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(channel, data);
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(temp); // what did fit is of no use, and it holds space a full disk needs
            throw e;
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer[] data) throws IOException {
        long remaining = 0;
        for (ByteBuffer b : data) {
            remaining += b.remaining();
        }
        while (remaining > 0) {
            remaining -= channel.write(data);
        }
    }

    /**
     * Forces every file written in place since the last sync, then every directory with new or
     * renamed entries, on {@code parallel} (the workers: forcing many files is mostly waiting).
     */
    void sync(Parallel parallel) throws IOException {
        List<Parallel.Task> files = new ArrayList<>();
        for (Path file; (file = unsyncedFiles.poll()) != null; ) {
            Path f = file;
            files.add(() -> force(f, StandardOpenOption.WRITE));
        }
        parallel.run(files);
        List<Parallel.Task> directories = new ArrayList<>();
        for (Path directory : List.copyOf(unsyncedDirectories)) {
            unsyncedDirectories.remove(directory);
            directories.add(() -> force(directory, StandardOpenOption.READ));
        }
        parallel.run(directories);
    }

    private static void force(Path path, StandardOpenOption mode) throws IOException {
        try (FileChannel channel = FileChannel.open(path, mode)) {
            channel.force(true);
        }
    }

    /** Ends writing: the lock is released and its file removed, so that the finished store holds only Zarr files. */
    void release() throws IOException {
        try {
            Files.deleteIfExists(root.resolve(LOCK));
        } finally {
            lock.release();
            lockChannel.close();
        }
    }
}
