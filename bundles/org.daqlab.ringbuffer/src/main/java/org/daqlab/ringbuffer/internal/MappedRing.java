package org.daqlab.ringbuffer.internal;

import static org.daqlab.ringbuffer.internal.RingLayout.BLOCK_TIMEOUTS_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.CAPACITY_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.HEADER_SIZE;
import static org.daqlab.ringbuffer.internal.RingLayout.HEADER_SIZE_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.LAYOUT_VERSION;
import static org.daqlab.ringbuffer.internal.RingLayout.LAYOUT_VERSION_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.MAGIC;
import static org.daqlab.ringbuffer.internal.RingLayout.MAGIC_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.MAX_CAPACITY;
import static org.daqlab.ringbuffer.internal.RingLayout.MIN_CAPACITY;
import static org.daqlab.ringbuffer.internal.RingLayout.OLDEST_POSITION_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.READER_SLOT_COUNT;
import static org.daqlab.ringbuffer.internal.RingLayout.READER_SLOT_COUNT_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORDS_PUBLISHED_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_FLAGS;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_HEADER_SIZE;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_INDEX;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_LENGTH;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_RESERVED;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_SEQUENCE;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_STREAM_ID;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_TIMESTAMP;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_TYPE;
import static org.daqlab.ringbuffer.internal.RingLayout.SLOT_ACTIVE;
import static org.daqlab.ringbuffer.internal.RingLayout.SLOT_CURSOR;
import static org.daqlab.ringbuffer.internal.RingLayout.SLOT_FREE;
import static org.daqlab.ringbuffer.internal.RingLayout.SLOT_HEARTBEAT;
import static org.daqlab.ringbuffer.internal.RingLayout.SLOT_NAME;
import static org.daqlab.ringbuffer.internal.RingLayout.SLOT_NAME_BYTES;
import static org.daqlab.ringbuffer.internal.RingLayout.SLOT_PID;
import static org.daqlab.ringbuffer.internal.RingLayout.SLOT_STATE;
import static org.daqlab.ringbuffer.internal.RingLayout.WRITE_POSITION_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.align;
import static org.daqlab.ringbuffer.internal.RingLayout.maxRecordBytes;
import static org.daqlab.ringbuffer.internal.RingLayout.slotOffset;

import org.daqlab.api.ring.OverflowMode;
import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingBuffer;
import org.daqlab.api.ring.RingReader;
import org.daqlab.api.ring.RingStats;
import org.daqlab.api.ring.RingStats.ReaderStats;

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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link RingBuffer} in a memory-mapped file laid out as described in {@link RingLayout}; plain
 * Java, usable without OSGi.
 * <ul>
 * <li>{@link #create} makes a new ring file and returns the ring's publisher. Publishers in this
 * instance are serialised by a lock; no other process may publish to the file.</li>
 * <li>{@link #attach} maps a ring file that another process (or instance) created, to read it:
 * {@link #publish} is not supported there.</li>
 * </ul>
 * The mapping is released when the ring and all its readers become unreachable; {@link #close()}
 * only frees this instance's reader slots and refuses further use, because unmapping explicitly
 * while a reader still copies from the buffer would crash the JVM.
 */
public final class MappedRing implements RingBuffer, AutoCloseable {

    /**
     * Atomic access to the header's int64 fields. Only valid on 8-byte-aligned offsets of a direct
     * buffer, which every header counter and slot field is (the mapping starts on a page).
     */
    private static final VarHandle LONGS =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** A BLOCK producer first spins this many times (a reader usually catches up within µs)... */
    private static final int SPINS_BEFORE_PARKING = 1_000;
    /** ...then sleeps this long between checks of the reader cursors. */
    private static final long PARK_NANOS = 50_000;

    /** {@link ReaderStats#lostRecords()} of a reader in another process: unknown here. */
    static final long UNKNOWN_LOST_RECORDS = -1;

    private final Path path;
    /** The whole file: header, then data. */
    private final MappedByteBuffer file;
    /** The data region, offsets 0 to capacity. */
    private final ByteBuffer data;
    private final long capacity;
    /** {@code null} when attached: the mode belongs to the process that publishes. */
    private final OverflowMode overflowMode;
    private final long blockTimeoutNanos;
    /** True when created here; an attached ring only reads. */
    private final boolean publisher;
    private final ReentrantLock publishLock = new ReentrantLock();
    private final Map<Integer, MappedRingReader> localReaders = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private MappedRing(Path path, MappedByteBuffer file, long capacity, OverflowMode overflowMode,
            Duration blockTimeout, boolean publisher) {
        this.path = path;
        this.file = file;
        this.data = file.slice(HEADER_SIZE, (int) capacity).order(ByteOrder.LITTLE_ENDIAN);
        this.capacity = capacity;
        this.overflowMode = overflowMode;
        this.blockTimeoutNanos = saturatedNanos(blockTimeout);
        this.publisher = publisher;
    }

    /** A timeout in ns; one beyond 292 years (e.g. Long.MAX_VALUE ms) means "wait indefinitely". */
    private static long saturatedNanos(Duration timeout) {
        try {
            return timeout.toNanos();
        } catch (ArithmeticException beyondLong) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Creates a new, empty ring file, replacing any file at {@code path}, and returns its publisher.
     *
     * @param path          the ring file; missing parent directories are created
     * @param capacityBytes size of the data region: a multiple of 8 from 4096 to 1 GiB
     * @param overflowMode  what a producer does when the ring is full
     * @param blockTimeout  in {@link OverflowMode#BLOCK}, how long a producer waits for the slowest
     *                      reader before it overwrites anyway; zero or more
     * @throws IllegalArgumentException for a capacity or timeout outside those ranges
     * @throws IOException              if the file cannot be created or its file system has no room
     *                                  for it
     */
    public static MappedRing create(Path path, long capacityBytes, OverflowMode overflowMode, Duration blockTimeout)
            throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(overflowMode, "overflowMode");
        Objects.requireNonNull(blockTimeout, "blockTimeout");
        if (!validCapacity(capacityBytes)) {
            throw new IllegalArgumentException("ring capacity must be a multiple of 8 from " + MIN_CAPACITY
                    + " to " + MAX_CAPACITY + " bytes, got " + capacityBytes);
        }
        if (blockTimeout.isNegative()) {
            throw new IllegalArgumentException("block timeout must not be negative, got " + blockTimeout);
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
        long fileSize = HEADER_SIZE + capacityBytes;
        long usable = Files.getFileStore(directory).getUsableSpace();
        if (usable < fileSize) {
            // The file is sparse, so mapping it would succeed; the first write beyond the free space
            // would then fault instead.
            throw new IOException("no room for a " + fileSize + "-byte ring file in " + directory + ": only "
                    + usable + " bytes are free there");
        }
        MappedByteBuffer file;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            // Mapping beyond the end extends the new (empty) file to the full size, zero-filled.
            file = channel.map(FileChannel.MapMode.READ_WRITE, 0, fileSize);
        }
        file.order(ByteOrder.LITTLE_ENDIAN);
        file.putInt(LAYOUT_VERSION_OFFSET, LAYOUT_VERSION);
        file.putInt(HEADER_SIZE_OFFSET, HEADER_SIZE);
        file.putLong(CAPACITY_OFFSET, capacityBytes);
        file.putInt(READER_SLOT_COUNT_OFFSET, READER_SLOT_COUNT);
        // Last, with release semantics: a process that sees the magic sees a complete header.
        LONGS.setRelease(file, MAGIC_OFFSET, MAGIC);
        return new MappedRing(path, file, capacityBytes, overflowMode, blockTimeout, true);
    }

    /**
     * Maps an existing ring file to read it, without modifying its records. Readers opened on the
     * returned ring register in the file's reader slots, so the file must be writable. Their
     * {@link RingReader#lostRecords()} counts losses from the first record they read on.
     *
     * @throws IOException if the file cannot be opened or is not a ring file of layout version 1
     *                     within this version's capacity limit; the message says which check failed
     */
    public static MappedRing attach(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long fileSize = channel.size();
            if (fileSize < HEADER_SIZE) {
                throw new IOException(path + " is not a daqlab ring file: it has " + fileSize
                        + " bytes, fewer than the " + HEADER_SIZE + "-byte header");
            }
            MappedByteBuffer header = channel.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_SIZE);
            header.order(ByteOrder.LITTLE_ENDIAN);
            long capacity = validateHeader(path, header, fileSize);
            MappedByteBuffer file = channel.map(FileChannel.MapMode.READ_WRITE, 0, fileSize);
            file.order(ByteOrder.LITTLE_ENDIAN);
            return new MappedRing(path, file, capacity, null, Duration.ZERO, false);
        }
    }

    /** Checks the header of a file to attach and returns its capacity. */
    private static long validateHeader(Path path, MappedByteBuffer header, long fileSize) throws IOException {
        long magic = (long) LONGS.getAcquire(header, MAGIC_OFFSET);
        if (magic != MAGIC) {
            byte[] found = new byte[8];
            header.get(MAGIC_OFFSET, found);
            throw new IOException(path + " is not a daqlab ring file: it starts with "
                    + Arrays.toString(found) + " instead of the magic \"DAQRING1\""
                    + (magic == 0 ? " (a ring being created writes the magic last: retry)" : ""));
        }
        int version = header.getInt(LAYOUT_VERSION_OFFSET);
        if (version != LAYOUT_VERSION) {
            throw new IOException(path + " has ring layout version " + version + "; this reader supports version "
                    + LAYOUT_VERSION);
        }
        int headerSize = header.getInt(HEADER_SIZE_OFFSET);
        int slotCount = header.getInt(READER_SLOT_COUNT_OFFSET);
        if (headerSize != HEADER_SIZE || slotCount != READER_SLOT_COUNT) {
            throw new IOException(path + " declares a " + headerSize + "-byte header with " + slotCount
                    + " reader slots; layout version 1 has a " + HEADER_SIZE + "-byte header with "
                    + READER_SLOT_COUNT + " slots");
        }
        long capacity = header.getLong(CAPACITY_OFFSET);
        if (!validCapacity(capacity)) {
            throw new IOException(path + " declares a capacity of " + capacity + " bytes; this reader supports"
                    + " multiples of 8 from " + MIN_CAPACITY + " to " + MAX_CAPACITY + " bytes");
        }
        if (fileSize != HEADER_SIZE + capacity) {
            throw new IOException(path + " has " + fileSize + " bytes but its header declares " + HEADER_SIZE
                    + " + " + capacity + ": the file is damaged or not fully created");
        }
        return capacity;
    }

    private static boolean validCapacity(long capacity) {
        return capacity >= MIN_CAPACITY && capacity <= MAX_CAPACITY && capacity % 8 == 0;
    }

    @Override
    public long publish(RecordType type, int streamId, long sequence, long timestampNs, ByteBuffer payload) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        if (type == RecordType.PADDING) {
            throw new IllegalArgumentException("PADDING records are written by the ring itself, not published");
        }
        if (!publisher) {
            throw new UnsupportedOperationException("ring " + path + " is attached for reading: only the process"
                    + " that created it publishes");
        }
        int payloadLength = payload.remaining();
        long recordLength = RECORD_HEADER_SIZE + (long) payloadLength;
        long alignedLength = align(recordLength);
        if (alignedLength > maxRecordBytes(capacity)) {
            long neededMb = Math.max(1, (2 * alignedLength + (1 << 20) - 1) >> 20);
            throw new IllegalArgumentException("a " + type + " record of " + recordLength + " bytes ("
                    + RECORD_HEADER_SIZE + "-byte header + " + payloadLength + "-byte payload) does not fit in ring "
                    + path + ": its capacity of " + capacity + " bytes takes records of at most half that ("
                    + maxPayloadBytes() + " payload bytes). Configure capacity_mb of org.daqlab.ringbuffer to at"
                    + " least " + neededMb + ", or split the payload.");
        }
        publishLock.lock();
        try {
            ensureOpen();
            long start = writePosition();
            int startOffset = dataOffset(start);
            long roomBeforeEnd = capacity - startOffset;
            long padding = roomBeforeEnd < alignedLength ? roomBeforeEnd : 0;
            long recordStart = start + padding;
            long end = recordStart + alignedLength;
            if (overflowMode == OverflowMode.BLOCK) {
                awaitReaders(end);
            }
            releaseSpaceUpTo(end);
            if (padding > 0) {
                data.putInt(startOffset + RECORD_LENGTH, (int) padding);
                data.putShort(startOffset + RECORD_TYPE, (short) RecordType.PADDING.code());
            }
            long index = recordsPublished();
            int offset = dataOffset(recordStart);
            data.putInt(offset + RECORD_LENGTH, (int) recordLength);
            data.putShort(offset + RECORD_TYPE, (short) type.code());
            data.putShort(offset + RECORD_FLAGS, (short) 0);
            data.putInt(offset + RECORD_STREAM_ID, streamId);
            data.putInt(offset + RECORD_RESERVED, 0);
            data.putLong(offset + RECORD_INDEX, index);
            data.putLong(offset + RECORD_SEQUENCE, sequence);
            data.putLong(offset + RECORD_TIMESTAMP, timestampNs);
            data.put(offset + RECORD_HEADER_SIZE, payload, payload.position(), payloadLength);
            LONGS.setRelease(file, WRITE_POSITION_OFFSET, end);
            LONGS.setRelease(file, RECORDS_PUBLISHED_OFFSET, index + 1);
            return index;
        } finally {
            publishLock.unlock();
        }
    }

    /**
     * BLOCK mode: waits until no active reader still has to read bytes that a record ending at
     * {@code end} would overwrite, or until the block timeout, which is counted; the caller then
     * overwrites either way, so that a stuck reader never stalls producers for good.
     */
    private void awaitReaders(long end) {
        long deadline = System.nanoTime() + blockTimeoutNanos;
        for (int checks = 0; readerNeedsBytesBefore(end - capacity); checks++) {
            if (System.nanoTime() - deadline >= 0) {
                long timeouts = (long) LONGS.getAcquire(file, BLOCK_TIMEOUTS_OFFSET);
                LONGS.setRelease(file, BLOCK_TIMEOUTS_OFFSET, timeouts + 1);
                return;
            }
            if (checks < SPINS_BEFORE_PARKING) {
                Thread.onSpinWait();
            } else {
                // Returns at once when the thread is interrupted; the wait stays bounded by the
                // deadline and the interrupt status is left for the caller.
                LockSupport.parkNanos(PARK_NANOS);
            }
        }
    }

    /** Whether an active reader's cursor (in any process) is still before {@code position}. */
    private boolean readerNeedsBytesBefore(long position) {
        for (int slot = 0; slot < READER_SLOT_COUNT; slot++) {
            int slotOffset = slotOffset(slot);
            if ((long) LONGS.getAcquire(file, slotOffset + SLOT_STATE) == SLOT_ACTIVE
                    && (long) LONGS.getAcquire(file, slotOffset + SLOT_CURSOR) < position) {
                return true;
            }
        }
        return false;
    }

    /**
     * Moves the oldest position past every record that writing up to {@code end} overwrites, before
     * any of their bytes changes: a reader that copied such a record then sees that it may be torn.
     */
    private void releaseSpaceUpTo(long end) {
        long firstKept = end - capacity;
        long oldest = oldestPosition();
        if (oldest >= firstKept) {
            return;
        }
        while (oldest < firstKept) {
            oldest += align(data.getInt(dataOffset(oldest) + RECORD_LENGTH));
        }
        LONGS.setRelease(file, OLDEST_POSITION_OFFSET, oldest);
        // A release store only keeps earlier accesses before it; the record's bytes, written next,
        // must not become visible before the new oldest position either.
        VarHandle.releaseFence();
    }

    @Override
    public RingReader openReader(String name) {
        Objects.requireNonNull(name, "name");
        // Under the publish lock no record is half-published, so the write position and the next
        // record index agree and the reader counts losses exactly from the start. An attached ring
        // cannot hold the publishing process's lock: its readers learn the index from the first
        // record they read.
        publishLock.lock();
        try {
            ensureOpen();
            int slot = claimSlot(name);
            long start = writePosition();
            long expectedIndex = publisher ? recordsPublished() : MappedRingReader.UNKNOWN_INDEX;
            int slotOffset = slotOffset(slot);
            LONGS.setRelease(file, slotOffset + SLOT_CURSOR, start);
            file.put(slotOffset + SLOT_NAME, slotName(name));
            LONGS.setRelease(file, slotOffset + SLOT_PID, ProcessHandle.current().pid());
            heartbeat(slot);
            MappedRingReader reader = new MappedRingReader(this, slot, name, start, expectedIndex);
            localReaders.put(slot, reader);
            return reader;
        } finally {
            publishLock.unlock();
        }
    }

    private int claimSlot(String name) {
        for (int slot = 0; slot < READER_SLOT_COUNT; slot++) {
            if (LONGS.compareAndSet(file, slotOffset(slot) + SLOT_STATE, SLOT_FREE, SLOT_ACTIVE)) {
                return slot;
            }
        }
        throw new IllegalStateException("cannot open reader '" + name + "': all " + READER_SLOT_COUNT
                + " reader slots of ring " + path + " are taken; close readers that are no longer used");
    }

    /** The name as stored in a slot: UTF-8, cut to the slot size without splitting a character. */
    private static byte[] slotName(String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(utf8.length, SLOT_NAME_BYTES);
        while (length < utf8.length && length > 0 && (utf8[length] & 0xC0) == 0x80) {
            length--; // utf8[length] continues the character that starts before it
        }
        return Arrays.copyOf(Arrays.copyOf(utf8, length), SLOT_NAME_BYTES);
    }

    private String slotNameAt(int slot) {
        byte[] stored = new byte[SLOT_NAME_BYTES];
        file.get(slotOffset(slot) + SLOT_NAME, stored);
        int length = 0;
        while (length < stored.length && stored[length] != 0) {
            length++;
        }
        return new String(stored, 0, length, StandardCharsets.UTF_8);
    }

    @Override
    public long maxPayloadBytes() {
        return maxRecordBytes(capacity) - RECORD_HEADER_SIZE;
    }

    @Override
    public RingStats stats() {
        // Cursors first, counters after: every cursor is then at or before the write position read.
        record ActiveSlot(int slot, long cursor) {
        }
        List<ActiveSlot> activeSlots = new ArrayList<>();
        for (int slot = 0; slot < READER_SLOT_COUNT; slot++) {
            int slotOffset = slotOffset(slot);
            if ((long) LONGS.getAcquire(file, slotOffset + SLOT_STATE) == SLOT_ACTIVE) {
                activeSlots.add(new ActiveSlot(slot, (long) LONGS.getAcquire(file, slotOffset + SLOT_CURSOR)));
            }
        }
        long oldest = oldestPosition();
        long write = writePosition();
        List<ReaderStats> readers = new ArrayList<>(activeSlots.size());
        for (ActiveSlot active : activeSlots) {
            MappedRingReader local = localReaders.get(active.slot());
            readers.add(new ReaderStats(local != null ? local.name() : slotNameAt(active.slot()), active.cursor(),
                    write - active.cursor(), local != null ? local.lostRecords() : UNKNOWN_LOST_RECORDS));
        }
        return new RingStats(path.toString(), capacity, overflowMode, write, oldest, recordsPublished(),
                write, // positions start at 0 when the ring is created
                (long) LONGS.getAcquire(file, BLOCK_TIMEOUTS_OFFSET), List.copyOf(readers), null);
    }

    /**
     * Refuses further publishing and opening, and closes this instance's readers (freeing their
     * slots). Keeps the file: other processes may still read it.
     */
    @Override
    public void close() {
        publishLock.lock();
        try {
            closed = true;
        } finally {
            publishLock.unlock();
        }
        localReaders.values().forEach(MappedRingReader::close);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("ring " + path + " is closed");
        }
    }

    // ---- access for MappedRingReader

    Path path() {
        return path;
    }

    ByteBuffer data() {
        return data;
    }

    long capacity() {
        return capacity;
    }

    int dataOffset(long position) {
        return (int) (position % capacity);
    }

    long writePosition() {
        return (long) LONGS.getAcquire(file, WRITE_POSITION_OFFSET);
    }

    long oldestPosition() {
        return (long) LONGS.getAcquire(file, OLDEST_POSITION_OFFSET);
    }

    private long recordsPublished() {
        return (long) LONGS.getAcquire(file, RECORDS_PUBLISHED_OFFSET);
    }

    /** Publishes a reader's cursor for BLOCK producers and for other processes' statistics. */
    void storeCursor(int slot, long position) {
        LONGS.setRelease(file, slotOffset(slot) + SLOT_CURSOR, position);
    }

    /** Records that a reader is alive, as wall-clock ns (comparable across processes). */
    void heartbeat(int slot) {
        Instant now = Instant.now();
        long epochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        LONGS.setRelease(file, slotOffset(slot) + SLOT_HEARTBEAT, epochNanos);
    }

    void releaseSlot(int slot) {
        localReaders.remove(slot);
        LONGS.setRelease(file, slotOffset(slot) + SLOT_STATE, SLOT_FREE);
    }
}
