package org.daqlab.writer.parquet.internal;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The journal beside a stream file ({@code <file>.parquet.part.journal}): what recovery needs to
 * complete the file after a crash. It starts with {@link Kind#HEADER} (how the file is encoded, the
 * stream's Arrow schema), {@link Kind#STATE} (where the last complete part ends and how many parts
 * there are) and {@link Kind#KEY_VALUES} (the footer's key-value metadata); flushes then append
 * {@link Kind#BATCHES} (rows spooled since the last part, as Arrow IPC record batch messages) and
 * newer key-value metadata. When a part completes, the journal is replaced (written aside, synced,
 * renamed over), so spooled rows that the part now holds are gone with the old journal.
 *
 * <p>Records: kind (1 byte), payload length (4 bytes), CRC-32C of the payload (4 bytes), payload; all
 * little-endian. A record cut by a crash ends the journal there.
 *
 * <p>The journal is what marks a stream file as live: its writer (or the recovery completing it)
 * holds a lock on it, taken on each replacement before it is renamed into place, so that the lock
 * moves with it. The data file cannot carry the lock: on Linux a lock is released when any channel of
 * the file in the process closes, and the core opens and closes the data file at every flush to sync
 * it. For the same reason nothing in this process may open a live journal but its owner.
 */
final class Journal implements Closeable {

    static final String SUFFIX = ".journal";
    private static final byte[] MAGIC = "daqlab-parquet-journal-1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int RECORD_HEADER = 9;

    /** Record kinds; the byte is the kind's ordinal plus 1. */
    enum Kind {
        /** JSON: stream, encoding settings, the stream's Arrow schema. */
        HEADER,
        /** End offset of the last complete part (8 bytes) and the number of parts (4 bytes). */
        STATE,
        /** JSON object of the footer's key-value metadata (replaces earlier ones). */
        KEY_VALUES,
        /** Arrow IPC record batch messages, one after the other. */
        BATCHES
    }

    private final Path path;
    private FileChannel channel;
    /** The lock on {@link #channel}'s file, held as long as the journal is. */
    private FileLock lock;
    private long size;
    /** The header record, kept in every replacement. */
    private byte[] header;
    private final ByteBuffer recordHeader = ByteBuffer.allocate(RECORD_HEADER).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();

    private Journal(Path path, byte[] header) {
        this.path = path;
        this.header = header;
    }

    /** The journal of data file {@code data}. */
    static Path of(Path data) {
        return data.resolveSibling(data.getFileName() + SUFFIX);
    }

    /**
     * Creates the journal of a stream file: written aside, synced, then renamed into place, so that a
     * journal is never seen without its header.
     */
    static Journal create(Path path, byte[] headerJson, long partEnd, int parts, byte[] keyValuesJson) throws IOException {
        Journal journal = new Journal(path, headerJson);
        journal.replace(partEnd, parts, keyValuesJson);
        return journal;
    }

    /**
     * Opens the journal at {@code path} for recovery and locks it; nothing is appended to it, it is
     * replaced (with the header {@link #read} found) once the rows it spools are durable elsewhere.
     *
     * @return the journal, or {@code null} if a live writer holds its lock
     */
    static Journal lock(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException heldInThisJvm) {
            lock = null; // by a writer that LiveFiles does not know, e.g. of another version of this bundle
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            return null;
        }
        Journal journal = new Journal(path, null);
        journal.channel = channel;
        journal.lock = lock;
        journal.size = channel.size();
        return journal;
    }


    /** Appends a record; {@link #force} makes it durable. */
    void append(Kind kind, byte[] payload, int length) throws IOException {
        size = appendTo(channel, size, kind, payload, length);
    }

    private long appendTo(FileChannel to, long at, Kind kind, byte[] payload, int length) throws IOException {
        crc.reset();
        crc.update(payload, 0, length);
        recordHeader.clear();
        recordHeader.put((byte) (kind.ordinal() + 1)).putInt(length).putInt((int) crc.getValue()).flip();
        at += writeFully(to, at, recordHeader);
        return at + writeFully(to, at, ByteBuffer.wrap(payload, 0, length));
    }

    /** Makes the appended records durable. */
    void force() throws IOException {
        channel.force(false);
    }

    /**
     * Replaces the journal by one that holds the header, the given state and key-value metadata, and
     * nothing else: spooled rows are dropped (the caller has made them durable in a part).
     */
    void replace(long partEnd, int parts, byte[] keyValuesJson) throws IOException {
        Path aside = aside(path);
        FileChannel next = FileChannel.open(aside, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, StandardOpenOption.READ);
        long at;
        FileLock nextLock;
        try {
            nextLock = next.tryLock();
            if (nextLock == null) {
                throw new IOException(aside + " is locked by another process");
            }
            at = writeFully(next, 0, ByteBuffer.wrap(MAGIC));
            at = appendTo(next, at, Kind.HEADER, header, header.length);
            byte[] state = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(partEnd).putInt(parts).array();
            at = appendTo(next, at, Kind.STATE, state, state.length);
            at = appendTo(next, at, Kind.KEY_VALUES, keyValuesJson, keyValuesJson.length);
            next.force(false);
            Files.move(aside, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            next.close();
            Files.deleteIfExists(aside);
            throw e;
        }
        syncDirectory(path.toAbsolutePath().getParent());
        FileChannel previous = channel;
        channel = next;
        lock = nextLock;
        size = at;
        if (previous != null) {
            previous.close(); // the replaced journal's file is gone: its lock goes with it
        }
    }

    /** Where a replacement of the journal at {@code path} is written before it is renamed over it. */
    static Path aside(Path path) {
        return path.resolveSibling(path.getFileName() + ".new");
    }

    /** Deletes the journal (while it is still locked, so nobody takes it in between) and closes it: the file it served is complete. */
    void delete() throws IOException {
        Files.deleteIfExists(path);
        close();
    }

    /** Closes the journal and so releases its lock. */
    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }

    private static int writeFully(FileChannel channel, long position, ByteBuffer buffer) throws IOException {
        int n = buffer.remaining();
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
        return n;
    }

    /** Makes a rename durable; not every file system lets a directory be opened, and the data is forced anyway. */
    static void syncDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // best effort, as the core does
        }
    }

    /** What a journal holds, up to its first damaged or cut record. */
    record Contents(byte[] header, long partEnd, int parts, byte[] keyValues, List<byte[]> batches, String stoppedBecause) {
    }

    /**
     * Reads the journal through the channel that holds its lock.
     *
     * @throws IOException if it cannot be read or lacks its header and state (it was created with both)
     */
    Contents read() throws IOException {
        if (channel.size() > Integer.MAX_VALUE) {
            throw new IOException(path + " is larger than 2 GiB: not a journal this writer wrote");
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) channel.size());
        while (bytes.hasRemaining()) {
            if (channel.read(bytes, bytes.position()) < 0) {
                break;
            }
        }
        Contents contents = parse(path, bytes.array());
        header = contents.header();
        return contents;
    }

    /** Parses the bytes of the journal at {@code path} (named in errors). */
    static Contents parse(Path path, byte[] all) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        for (byte b : MAGIC) {
            if (!in.hasRemaining() || in.get() != b) {
                throw new IOException(path + " is not a daqlab Parquet journal");
            }
        }
        byte[] header = null;
        long partEnd = -1;
        int parts = 0;
        byte[] keyValues = null;
        List<byte[]> batches = new ArrayList<>();
        String stopped = null;
        CRC32C crc = new CRC32C();
        while (in.hasRemaining()) {
            int at = in.position();
            if (in.remaining() < RECORD_HEADER) {
                stopped = "a record header at byte " + at + " is cut off";
                break;
            }
            int kind = in.get() - 1;
            int length = in.getInt();
            int expected = in.getInt();
            if (kind < 0 || kind >= Kind.values().length || length < 0 || length > in.remaining()) {
                stopped = "the record at byte " + at + " is cut off or damaged";
                break;
            }
            byte[] payload = new byte[length];
            in.get(payload);
            crc.reset();
            crc.update(payload);
            if ((int) crc.getValue() != expected) {
                stopped = "the record at byte " + at + " does not match its checksum";
                break;
            }
            switch (Kind.values()[kind]) {
                case HEADER -> header = payload;
                case STATE -> {
                    ByteBuffer state = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
                    partEnd = state.getLong();
                    parts = state.getInt();
                }
                case KEY_VALUES -> keyValues = payload;
                case BATCHES -> batches.add(payload);
            }
        }
        if (header == null || partEnd < 0 || keyValues == null) {
            throw new EOFException(path + " lacks its header records" + (stopped == null ? "" : ": " + stopped));
        }
        return new Contents(header, partEnd, parts, keyValues, batches, stopped);
    }
}
