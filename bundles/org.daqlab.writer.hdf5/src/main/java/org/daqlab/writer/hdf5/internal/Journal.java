package org.daqlab.writer.hdf5.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The segment's journal ({@code <file>.h5.journal}): an append-only log of everything needed to build
 * the {@code .h5} from the chunks already in the data file — the run and codec, each stream's layout,
 * metadata changes, where each compressed chunk lies, and (at each flush) the rows of unfinished
 * chunks. Each record is {@code int32 length, byte kind, payload, int32 CRC-32C(kind, payload)},
 * little endian, after an 8-byte magic; replay stops at the first record that is truncated or fails
 * its checksum, which is where a crash cut the file.
 */
final class Journal {

    static final String SUFFIX = ".journal";
    private static final byte[] MAGIC = "DQH5JRN1".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_RECORD = 1 << 30;

    /** Record kinds. */
    enum Kind {
        /** JSON: run, file creation time, codec, reserved metadata bytes. */
        HEADER,
        /** JSON: a stream group and its column layouts. */
        STREAM,
        /** JSON: a metadata change. */
        METADATA,
        /** Binary: a chunk stored in the data file. */
        CHUNK,
        /** Binary: raw rows of an unfinished chunk, written at a flush. */
        TAIL,
        /** Binary: utf8 values of a string column. */
        STRINGS,
        /** Binary: a flush completed (ns since the epoch). */
        FLUSH;

        static Kind of(int code) {
            return code >= 0 && code < values().length ? values()[code] : null;
        }
    }

    private Journal() {
    }

    /** The journal of a data file. */
    static Path of(Path dataFile) {
        return dataFile.resolveSibling(dataFile.getFileName() + SUFFIX);
    }

    /** Appends records; thread-safe (compression workers record their chunks). */
    static final class Writer implements AutoCloseable {
        private final Path path;
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(256 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        private final CRC32C crc = new CRC32C();

        Writer(Path path) throws IOException {
            this.path = path;
            this.channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            // the lock marks the segment live for recovery in other processes; held until close. The
            // journal, not the data file, because the core opens and closes the data file at every
            // flush to sync it, which releases the process's locks on it (POSIX record locks).
            if (channel.tryLock() == null) {
                channel.close();
                throw new IOException(path + " is locked by another process");
            }
            channel.write(ByteBuffer.wrap(MAGIC));
        }

        Path path() {
            return path;
        }

        /** Appends a record whose payload is {@code payload}'s remaining bytes. */
        synchronized void append(Kind kind, ByteBuffer payload) throws IOException {
            int length = payload.remaining();
            if (buffer.remaining() < length + 9) {
                drain();
            }
            ByteBuffer target = buffer.remaining() >= length + 9 ? buffer
                    : ByteBuffer.allocate(length + 9).order(ByteOrder.LITTLE_ENDIAN);
            target.putInt(length).put((byte) kind.ordinal());
            crc.reset();
            crc.update((byte) kind.ordinal());
            crc.update(payload.duplicate());
            target.put(payload).putInt((int) crc.getValue());
            if (target != buffer) {
                target.flip();
                writeFully(target);
            }
        }

        void appendJson(Kind kind, String json) throws IOException {
            append(kind, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)));
        }

        /** Writes buffered records to the file and, if {@code durable}, to the disk. */
        synchronized void flush(boolean durable) throws IOException {
            drain();
            if (durable) {
                channel.force(false);
            }
        }

        private void drain() throws IOException {
            buffer.flip();
            try {
                writeFully(buffer);
            } finally {
                // after a failed write the records are cut in the file, where replay stops: never write them twice
                buffer.clear();
            }
        }

        private void writeFully(ByteBuffer b) throws IOException {
            try {
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            } catch (IOException e) {
                // the JDK's message ("No space left on device") names no file
                throw new IOException("writing the journal " + path + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public synchronized void close() throws IOException {
            try {
                drain();
            } finally {
                channel.close();
            }
        }
    }

    /** What replay hands to its visitor: a record's kind, payload and where the payload lies in the journal. */
    interface Visitor {
        void record(Kind kind, ByteBuffer payload, long payloadOffset) throws IOException;
    }

    /** How far a replay got. */
    record Replay(long validBytes, long records, String stoppedBecause) {
        boolean complete() {
            return stoppedBecause == null;
        }
    }

    /**
     * Reads every intact record in order.
     *
     * @throws IOException if the file cannot be read or is not a journal
     */
    static Replay replay(Path path, Visitor visitor) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < MAGIC.length) {
                throw new IOException(path + " is not a usable daqlab HDF5 journal: it ends after " + size
                        + " bytes, inside its " + MAGIC.length + "-byte magic (the writer stopped as it created it)");
            }
            ByteBuffer magic = ByteBuffer.allocate(MAGIC.length);
            readFully(channel, magic, 0);
            if (!java.util.Arrays.equals(magic.array(), MAGIC)) {
                throw new IOException(path + " is not a daqlab HDF5 journal (bad magic)");
            }
            long position = MAGIC.length;
            long records = 0;
            ByteBuffer head = ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN);
            CRC32C crc = new CRC32C();
            while (position < size) {
                if (size - position < 9) {
                    return new Replay(position, records, "a record header is cut off at byte " + position);
                }
                head.clear();
                readFully(channel, head, position);
                int length = head.getInt(0);
                Kind kind = Kind.of(head.get(4));
                if (length < 0 || length > MAX_RECORD || kind == null) {
                    return new Replay(position, records, "an invalid record starts at byte " + position);
                }
                if (size - position < 9L + length) {
                    return new Replay(position, records, "the last record is cut off at byte " + position);
                }
                ByteBuffer payload = ByteBuffer.allocate(length + 4).order(ByteOrder.LITTLE_ENDIAN);
                readFully(channel, payload, position + 5);
                int stored = payload.getInt(length);
                payload.limit(length);
                crc.reset();
                crc.update(kind.ordinal());
                crc.update(payload.duplicate());
                if ((int) crc.getValue() != stored) {
                    return new Replay(position, records, "the record at byte " + position + " fails its checksum");
                }
                visitor.record(kind, payload, position + 5);
                position += 9L + length;
                records++;
            }
            return new Replay(position, records, null);
        }
    }

    /** Reads {@code into.remaining()} bytes at {@code position}. */
    static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            int n = channel.read(into, position);
            if (n < 0) {
                throw new EOFException("end of file at byte " + position);
            }
            position += n;
        }
        into.flip();
    }
}
