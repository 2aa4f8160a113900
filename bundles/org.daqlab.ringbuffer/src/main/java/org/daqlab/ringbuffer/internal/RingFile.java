package org.daqlab.ringbuffer.internal;

import static org.daqlab.ringbuffer.internal.RingLayout.CAPACITY_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.CATALOG_OFFSET_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.CATALOG_SIZE_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.DATA_OFFSET_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.HEADER_SIZE;
import static org.daqlab.ringbuffer.internal.RingLayout.HEADER_SIZE_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.LAYOUT_VERSION;
import static org.daqlab.ringbuffer.internal.RingLayout.LAYOUT_VERSION_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.MAGIC;
import static org.daqlab.ringbuffer.internal.RingLayout.MAGIC_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.MAX_CAPACITY;
import static org.daqlab.ringbuffer.internal.RingLayout.MIN_CAPACITY;
import static org.daqlab.ringbuffer.internal.RingLayout.PAGE;
import static org.daqlab.ringbuffer.internal.RingLayout.PUBLISHER_PID_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.READER_SLOT_COUNT;
import static org.daqlab.ringbuffer.internal.RingLayout.READER_SLOT_COUNT_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.SEGMENT_SIZE_OFFSET;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A ring file mapped into memory: the header, the catalog and the data region, the latter as one
 * {@code MappedByteBuffer} per segment so that a ring may exceed the 2 GiB a single buffer can
 * address. Keeps the file channel open for the reader slots' record locks (closing any channel of
 * the file would drop this process's locks on it, LAYOUT.md §7.1).
 */
final class RingFile implements AutoCloseable {

    /**
     * Atomic access to aligned int64 fields of a direct buffer: every header counter, slot field
     * and record word (mappings start on a page; records and fields are 8-byte aligned).
     */
    static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    final Path path;
    final FileChannel channel;
    final MappedByteBuffer header;
    final ByteBuffer catalog;
    final long capacity;
    final long segmentSize;
    private final ByteBuffer[] segments;
    /** {@code capacity - 1} when the capacity is a power of two, else -1. */
    private final long offsetMask;

    private RingFile(Path path, FileChannel channel, MappedByteBuffer header, long capacity, long segmentSize,
            long catalogSize) throws IOException {
        this.path = path;
        this.channel = channel;
        this.header = header;
        this.capacity = capacity;
        this.segmentSize = segmentSize;
        this.offsetMask = Long.bitCount(capacity) == 1 ? capacity - 1 : -1;
        this.catalog = channel.map(FileChannel.MapMode.READ_WRITE, HEADER_SIZE, catalogSize)
                .order(ByteOrder.LITTLE_ENDIAN);
        long dataOffset = HEADER_SIZE + catalogSize;
        int count = (int) (capacity / segmentSize);
        this.segments = new ByteBuffer[count];
        for (int i = 0; i < count; i++) {
            long start = i * segmentSize;
            segments[i] = channel.map(FileChannel.MapMode.READ_WRITE, dataOffset + start, segmentSize)
                    .order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /**
     * Creates a new ring file, replacing any file at {@code path}. The magic is written last, with
     * release semantics: a process that sees it sees a complete header.
     */
    static RingFile create(Path path, long capacity, long segmentSize, long catalogSize) throws IOException {
        if (!validCapacity(capacity)) {
            throw new IllegalArgumentException("ring capacity must be a multiple of 8 from " + MIN_CAPACITY
                    + " to " + MAX_CAPACITY + " bytes, got " + capacity);
        }
        if (segmentSize < MIN_CAPACITY || segmentSize % 8 != 0 || segmentSize > Integer.MAX_VALUE
                || capacity % segmentSize != 0) {
            throw new IllegalArgumentException("a ring of " + capacity + " bytes is mapped in segments of "
                    + segmentSize + " bytes: the segment size must be a multiple of 8 from " + MIN_CAPACITY + " to "
                    + Integer.MAX_VALUE + " bytes and divide the capacity (rings above 1 GiB are a whole number"
                    + " of GiB)");
        }
        if (catalogSize < PAGE || catalogSize % PAGE != 0) {
            throw new IllegalArgumentException("catalog size must be a positive multiple of " + PAGE
                    + " bytes, got " + catalogSize);
        }
        Path directory = path.toAbsolutePath().getParent();
        if (directory == null) {
            throw new IOException(path + " is a root directory, not a file");
        }
        Files.createDirectories(directory);
        // Another process may still map the previous file. Replacing the file (rather than truncating
        // it in place) keeps that mapping valid - it sees a ring that no longer moves - where a
        // truncation would make its next access fault.
        Files.deleteIfExists(path);
        long fileSize = HEADER_SIZE + catalogSize + capacity;
        long usable = Files.getFileStore(directory).getUsableSpace();
        if (usable < fileSize) {
            // The file is sparse, so mapping it would succeed; the first write beyond the free space
            // would then fault instead.
            throw new IOException("no room for a " + fileSize + "-byte ring file in " + directory + ": only "
                    + usable + " bytes are free there");
        }
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            // A sparse file of the full size: pages are only allocated as records reach them.
            channel.write(ByteBuffer.allocate(1), fileSize - 1);
            MappedByteBuffer header = channel.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_SIZE);
            header.order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(LAYOUT_VERSION_OFFSET, LAYOUT_VERSION);
            header.putInt(HEADER_SIZE_OFFSET, HEADER_SIZE);
            header.putLong(CAPACITY_OFFSET, capacity);
            header.putInt(READER_SLOT_COUNT_OFFSET, READER_SLOT_COUNT);
            header.putInt(SEGMENT_SIZE_OFFSET, (int) segmentSize);
            header.putLong(CATALOG_OFFSET_OFFSET, HEADER_SIZE);
            header.putLong(CATALOG_SIZE_OFFSET, catalogSize);
            header.putLong(DATA_OFFSET_OFFSET, HEADER_SIZE + catalogSize);
            header.putLong(PUBLISHER_PID_OFFSET, ProcessHandle.current().pid());
            RingFile file = new RingFile(path, channel, header, capacity, segmentSize, catalogSize);
            LONGS.setRelease(header, MAGIC_OFFSET, MAGIC);
            return file;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Maps an existing ring file after checking its header in the order LAYOUT.md §3 gives.
     *
     * @throws IOException naming the first field that is wrong, the value found and the one expected
     */
    static RingFile attach(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long fileSize = channel.size();
            if (fileSize < HEADER_SIZE) {
                throw new IOException(path + " is not a daqlab ring file: it has " + fileSize
                        + " bytes, fewer than the " + HEADER_SIZE + "-byte header (truncated?)");
            }
            MappedByteBuffer header = channel.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_SIZE);
            header.order(ByteOrder.LITTLE_ENDIAN);
            long magic = (long) LONGS.getAcquire(header, MAGIC_OFFSET);
            if (magic != MAGIC) {
                byte[] found = new byte[8];
                header.get(MAGIC_OFFSET, found);
                throw new IOException(path + " is not a daqlab ring file: field magic (offset 0) is "
                        + Arrays.toString(found) + " instead of \"DAQLRING\""
                        + (magic == 0 ? " (a ring being created writes the magic last: retry)" : ""));
            }
            expect(path, "layout version", LAYOUT_VERSION_OFFSET, header.getInt(LAYOUT_VERSION_OFFSET), LAYOUT_VERSION);
            expect(path, "header size", HEADER_SIZE_OFFSET, header.getInt(HEADER_SIZE_OFFSET), HEADER_SIZE);
            expect(path, "reader slot count", READER_SLOT_COUNT_OFFSET, header.getInt(READER_SLOT_COUNT_OFFSET),
                    READER_SLOT_COUNT);
            long capacity = header.getLong(CAPACITY_OFFSET);
            if (capacity < MIN_CAPACITY || capacity % 8 != 0) {
                throw fieldError(path, "capacity", CAPACITY_OFFSET, capacity,
                        "a multiple of 8 of at least " + MIN_CAPACITY);
            }
            long segmentSize = header.getInt(SEGMENT_SIZE_OFFSET);
            if (segmentSize < MIN_CAPACITY || segmentSize % 8 != 0 || capacity % segmentSize != 0) {
                throw fieldError(path, "segment size", SEGMENT_SIZE_OFFSET, segmentSize,
                        "a multiple of 8 of at least " + MIN_CAPACITY + " that divides the capacity " + capacity);
            }
            expect(path, "catalog offset", CATALOG_OFFSET_OFFSET, header.getLong(CATALOG_OFFSET_OFFSET), HEADER_SIZE);
            long catalogSize = header.getLong(CATALOG_SIZE_OFFSET);
            if (catalogSize < PAGE || catalogSize % PAGE != 0) {
                throw fieldError(path, "catalog size", CATALOG_SIZE_OFFSET, catalogSize,
                        "a positive multiple of " + PAGE);
            }
            expect(path, "data offset", DATA_OFFSET_OFFSET, header.getLong(DATA_OFFSET_OFFSET), HEADER_SIZE + catalogSize);
            long expectedSize = HEADER_SIZE + catalogSize + capacity;
            if (fileSize != expectedSize) {
                throw new IOException(path + " has " + fileSize + " bytes but its header declares " + expectedSize
                        + " (data offset " + (HEADER_SIZE + catalogSize) + " + capacity " + capacity
                        + "): the file is truncated or damaged");
            }
            return new RingFile(path, channel, header, capacity, segmentSize, catalogSize);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void expect(Path path, String field, int offset, long found, long expected) throws IOException {
        if (found != expected) {
            throw fieldError(path, field, offset, found, Long.toString(expected));
        }
    }

    private static IOException fieldError(Path path, String field, int offset, long found, String expected) {
        return new IOException(path + " is not a valid daqlab ring file (layout " + LAYOUT_VERSION + "): field "
                + field + " (header offset " + offset + ") is " + found + ", expected " + expected);
    }

    static boolean validCapacity(long capacity) {
        return capacity >= MIN_CAPACITY && capacity <= MAX_CAPACITY && capacity % 8 == 0;
    }

    // ---- header fields

    long getLong(int offset) {
        return (long) LONGS.getAcquire(header, offset);
    }

    void setLong(int offset, long value) {
        LONGS.setRelease(header, offset, value);
    }

    /** Adds to a counter that only this process changes. */
    void increment(int offset) {
        setLong(offset, getLong(offset) + 1);
    }

    // ---- data region

    /** Offset in the data region of an absolute position. */
    long offset(long position) {
        // A mask where the capacity is a power of two (the usual case): a division costs ~25 cycles.
        return offsetMask >= 0 ? position & offsetMask : position % capacity;
    }

    /** The segment buffer that holds a data offset. */
    ByteBuffer segment(long offset) {
        return segments.length == 1 ? segments[0] : segments[(int) (offset / segmentSize)];
    }

    /** The offset within its segment of a data offset. */
    int local(long offset) {
        return segments.length == 1 ? (int) offset : (int) (offset % segmentSize);
    }

    /** Bytes from a data offset to the next segment boundary (the end of the data region is one). */
    long room(long offset) {
        return segments.length == 1 ? capacity - offset : segmentSize - offset % segmentSize;
    }

    long recordWord(ByteBuffer segment, int local) {
        return (long) LONGS.getAcquire(segment, local);
    }

    /** The slot name stored at a file offset: UTF-8 up to the first zero. */
    String nameAt(int offset, int size) {
        byte[] stored = new byte[size];
        header.get(offset, stored);
        int length = 0;
        while (length < stored.length && stored[length] != 0) {
            length++;
        }
        return new String(stored, 0, length, StandardCharsets.UTF_8);
    }

    /** Closes the channel (dropping this process's slot locks); the mappings stay valid until unreachable. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
