package org.daqlab.ringbuffer.internal;

import static org.daqlab.ringbuffer.internal.RingFile.LONGS;
import static org.daqlab.ringbuffer.internal.RingLayout.ABANDONED_CLAIMS_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.BLOCK_TIMEOUTS_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.DEAD_READERS_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.DEFAULT_CATALOG_SIZE;
import static org.daqlab.ringbuffer.internal.RingLayout.DEFAULT_SEGMENT_SIZE;
import static org.daqlab.ringbuffer.internal.RingLayout.FLAG_ABORTED;
import static org.daqlab.ringbuffer.internal.RingLayout.OLDEST_POSITION_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.READER_SLOT_COUNT;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORDS_CLAIMED_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_HEADER_SIZE;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_INDEX;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_RESERVED;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_SEQUENCE;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_STREAM_ID;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_TIMESTAMP;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_WORD;
import static org.daqlab.ringbuffer.internal.RingLayout.WRITE_POSITION_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.align;
import static org.daqlab.ringbuffer.internal.RingLayout.maxRecordBytes;
import static org.daqlab.ringbuffer.internal.RingLayout.word;
import static org.daqlab.ringbuffer.internal.RingLayout.wordLength;
import static org.daqlab.ringbuffer.internal.RingLayout.wordType;

import org.daqlab.api.ring.OverflowMode;
import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingBuffer;
import org.daqlab.api.ring.RingClaim;
import org.daqlab.api.ring.RingReader;
import org.daqlab.api.ring.RingStats;
import org.daqlab.api.ring.RingStats.ReaderStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link RingBuffer} in a memory-mapped file laid out as the bundle's {@code LAYOUT.md} specifies
 * (version 2); plain Java, usable without OSGi.
 * <ul>
 * <li>{@link #create} makes a new ring file and returns the ring's publisher. Claims are
 * serialised by a lock held only for the bookkeeping; payloads are written and committed outside
 * it, so producers copy in parallel. No other process may publish to the file.</li>
 * <li>{@link #attach} maps a ring file that another process created, to read it.</li>
 * </ul>
 * The mapping is released when the ring and all its readers become unreachable; {@link #close()}
 * frees this instance's reader slots and refuses further use, because unmapping explicitly while a
 * reader still copies from the buffer would crash the JVM.
 */
public final class MappedRing implements RingBuffer, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MappedRing.class);

    /** A BLOCK producer first spins this many times (a reader usually catches up within µs)... */
    private static final int SPINS_BEFORE_PARKING = 1_000;
    /** ...then sleeps this long between checks of the reader cursors... */
    private static final long PARK_NANOS = 50_000;
    /** ...and checks this often whether the readers holding it back are still alive. */
    private static final long LIVENESS_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * Rings of 1 MiB or more release space in chunks of 1/16 of the capacity, at most 1 MiB: they
     * keep at least 15/16 of their capacity readable, and a BLOCK producer waits for readers that
     * much earlier. Smaller rings release exactly what each record needs.
     */
    private static final long MIN_CHUNKED_CAPACITY = 1 << 20;
    private static final long RELEASE_CHUNK_FRACTION = 16;
    private static final long MAX_RELEASE_CHUNK = 1 << 20;
    /** How long a producer waits for an older claim in the space it needs before abandoning it. */
    static final long CLAIM_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RingFile file;
    private final ReaderSlots slots;
    private final RingCatalog catalog;
    private final long capacity;
    private final long maxRecord;
    /** Bytes released beyond what a record needs when it overwrites older records. */
    private final long releaseChunk;
    /** {@code null} when attached: the mode belongs to the process that publishes. */
    private final OverflowMode overflowMode;
    private final long blockTimeoutNanos;
    /** True when created here; an attached ring only reads. */
    private final boolean publisher;
    private final ClaimLock publishLock = new ClaimLock();
    private final Map<Integer, MappedRingReader> localReaders = new ConcurrentHashMap<>();
    private volatile boolean closed;

    // The publisher's own copies of the header counters (guarded by publishLock), so that a foreign
    // process scribbling over the header cannot derail publishing. The readers of this process follow
    // the two positions here too (release stores, acquire loads through the VarHandles below), not
    // the header's: a garbage write or oldest position there would send every writer's reader past
    // anything that will ever be written, for good.
    private long writePosition;
    private long oldestPosition;
    private long recordsClaimed;
    /** Every active reader's cursor was at least this at the last scan (BLOCK mode). */
    private long readersClearUpTo;
    /**
     * BLOCK mode, per reader slot: the cursor at which the slot's reader made a producer wait out the
     * block timeout, or -1. A reader is not waited for again while its cursor stays there, so a hung
     * reader costs producers one timeout, not one per record.
     */
    private final long[] stalledAt = new long[READER_SLOT_COUNT];

    private static final VarHandle WRITE_POSITION;
    private static final VarHandle OLDEST_POSITION;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            WRITE_POSITION = lookup.findVarHandle(MappedRing.class, "writePosition", long.class);
            OLDEST_POSITION = lookup.findVarHandle(MappedRing.class, "oldestPosition", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private MappedRing(RingFile file, OverflowMode overflowMode, Duration blockTimeout, boolean publisher) {
        this.file = file;
        this.slots = new ReaderSlots(file);
        this.catalog = new RingCatalog(file);
        this.capacity = file.capacity;
        this.maxRecord = maxRecordBytes(file.capacity, file.segmentSize);
        this.releaseChunk = file.capacity < MIN_CHUNKED_CAPACITY ? 0
                : Math.min(file.capacity / RELEASE_CHUNK_FRACTION, MAX_RELEASE_CHUNK);
        this.overflowMode = overflowMode;
        this.blockTimeoutNanos = saturatedNanos(blockTimeout);
        this.publisher = publisher;
        Arrays.fill(stalledAt, -1);
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
     * Rings up to 1 GiB are one segment; larger ones are mapped in 1 GiB segments.
     *
     * @param path          the ring file; missing parent directories are created
     * @param capacityBytes size of the data region: a multiple of 8 from 4096 bytes to 1 GiB, or a
     *                      whole number of GiB up to 1 TiB
     * @param overflowMode  what a producer does when the ring is full
     * @param blockTimeout  in {@link OverflowMode#BLOCK}, how long a producer waits for the slowest
     *                      reader before it overwrites anyway; zero or more
     * @throws IllegalArgumentException for a capacity or timeout outside those ranges
     * @throws IOException              if the file cannot be created or its file system has no room
     *                                  for it
     */
    public static MappedRing create(Path path, long capacityBytes, OverflowMode overflowMode, Duration blockTimeout)
            throws IOException {
        return create(path, capacityBytes, Math.min(capacityBytes, DEFAULT_SEGMENT_SIZE), DEFAULT_CATALOG_SIZE,
                overflowMode, blockTimeout);
    }

    /** {@link #create(Path, long, OverflowMode, Duration)} with a chosen segment and catalog size. */
    static MappedRing create(Path path, long capacityBytes, long segmentSize, long catalogSize,
            OverflowMode overflowMode, Duration blockTimeout) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(overflowMode, "overflowMode");
        Objects.requireNonNull(blockTimeout, "blockTimeout");
        if (blockTimeout.isNegative()) {
            throw new IllegalArgumentException("block timeout must not be negative, got " + blockTimeout);
        }
        return new MappedRing(RingFile.create(path, capacityBytes, segmentSize, catalogSize), overflowMode,
                blockTimeout, true);
    }

    /**
     * Maps an existing ring file to read it, without modifying its records. Readers opened on the
     * returned ring register in the file's reader slots, so the file must be writable. Their
     * {@link RingReader#lostRecords()} counts losses from the first record they read on.
     *
     * @throws IOException if the file cannot be opened or is not a valid ring file of layout version
     *                     2; the message names the field that is wrong
     */
    public static MappedRing attach(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        return new MappedRing(RingFile.attach(path), null, Duration.ZERO, false);
    }

    // ---- publishing

    @Override
    public long publish(RecordType type, int streamId, long sequence, long timestampNs, ByteBuffer payload) {
        Objects.requireNonNull(payload, "payload");
        int payloadLength = payload.remaining();
        long position = claimRecord(type, streamId, sequence, timestampNs, payloadLength);
        long offset = file.offset(position);
        ByteBuffer segment = file.segment(offset);
        int local = file.local(offset);
        segment.put(local + RECORD_HEADER_SIZE, payload, payload.position(), payloadLength);
        long index = segment.getLong(local + RECORD_INDEX);
        commitRecord(segment, local, RECORD_HEADER_SIZE + payloadLength, type, 0);
        committed(type, streamId, index, sequence, timestampNs, payload);
        return index;
    }

    @Override
    public RingClaim claim(RecordType type, int streamId, long sequence, long timestampNs, int payloadLength) {
        if (payloadLength < 0) {
            throw new IllegalArgumentException("payload length must not be negative, got " + payloadLength);
        }
        long position = claimRecord(type, streamId, sequence, timestampNs, payloadLength);
        long offset = file.offset(position);
        ByteBuffer segment = file.segment(offset);
        int local = file.local(offset);
        return new MappedRingClaim(this, segment, local, type, streamId, sequence, timestampNs, payloadLength,
                segment.getLong(local + RECORD_INDEX));
    }

    /**
     * Places a record, waits for readers (BLOCK), releases the space it overwrites and writes its
     * header as claimed (LAYOUT.md §5 steps 1-5).
     *
     * @return the record's position
     */
    private long claimRecord(RecordType type, int streamId, long sequence, long timestampNs, int payloadLength) {
        Objects.requireNonNull(type, "type");
        if (type == RecordType.PADDING) {
            throw new IllegalArgumentException("PADDING records are written by the ring itself, not published");
        }
        if (!publisher) {
            throw new UnsupportedOperationException("ring " + file.path + " is attached for reading: only the"
                    + " process that created it publishes");
        }
        long recordLength = RECORD_HEADER_SIZE + (long) payloadLength;
        long alignedLength = align(recordLength);
        if (alignedLength > maxRecord) {
            long neededMb = Math.max(1, (2 * alignedLength + (1 << 20) - 1) >> 20);
            throw new IllegalArgumentException("a " + type + " record of " + recordLength + " bytes ("
                    + RECORD_HEADER_SIZE + "-byte header + " + payloadLength + "-byte payload) does not fit in ring "
                    + file.path + ": its capacity of " + capacity + " bytes takes records of at most "
                    + maxPayloadBytes() + " payload bytes. Configure capacity_mb of org.daqlab.ringbuffer to at"
                    + " least " + neededMb + ", or split the payload.");
        }
        publishLock.lock();
        try {
            ensureOpen();
            long start = writePosition;
            long startOffset = file.offset(start);
            long room = file.room(startOffset);
            long padding = room < alignedLength ? room : 0;
            long recordStart = start + padding;
            long end = recordStart + alignedLength;
            if (oldestPosition < end - capacity) {
                // The record overwrites older ones. Release a little more than it needs, so that the
                // oldest position (which every reader checks for every record) changes once per chunk
                // of records, not for each one.
                long releaseTo = Math.min(end - capacity + releaseChunk, recordStart);
                if (overflowMode == OverflowMode.BLOCK) {
                    awaitReaders(releaseTo);
                }
                releaseSpaceUpTo(releaseTo, recordStart);
            }
            if (padding > 0) {
                file.segment(startOffset).putLong(file.local(startOffset) + RECORD_WORD,
                        word((int) padding, RecordType.PADDING.code(), 0));
            }
            long index = recordsClaimed;
            long offset = file.offset(recordStart);
            ByteBuffer segment = file.segment(offset);
            int local = file.local(offset);
            segment.putLong(local + RECORD_WORD, word((int) -recordLength, type.code(), 0));
            segment.putInt(local + RECORD_STREAM_ID, streamId);
            segment.putInt(local + RECORD_RESERVED, 0);
            segment.putLong(local + RECORD_INDEX, index);
            segment.putLong(local + RECORD_SEQUENCE, sequence);
            segment.putLong(local + RECORD_TIMESTAMP, timestampNs);
            WRITE_POSITION.setRelease(this, end);
            recordsClaimed = index + 1;
            file.setLong(WRITE_POSITION_OFFSET, end);
            file.setLong(RECORDS_CLAIMED_OFFSET, index + 1);
            return recordStart;
        } finally {
            publishLock.unlock();
        }
    }

    /**
     * Makes a claimed record final: committed ({@code flags} 0) or aborted. The compare-and-set
     * fails when the ring abandoned the claim meanwhile.
     *
     * @return whether the record word was still the claim's
     */
    boolean commitRecord(ByteBuffer segment, int local, int recordLength, RecordType type, int flags) {
        return LONGS.compareAndSet(segment, local + RECORD_WORD, word(-recordLength, type.code(), 0),
                word(recordLength, type.code(), flags));
    }

    /** Keeps the catalog of open streams up to date once a record is committed. */
    void committed(RecordType type, int streamId, long index, long sequence, long timestampNs, ByteBuffer payload) {
        if (type == RecordType.DESCRIPTOR) {
            byte[] bytes = new byte[payload.remaining()];
            payload.get(payload.position(), bytes);
            catalog.opened(new RingCatalog.Entry(streamId, index, sequence, timestampNs, bytes));
        } else if (type == RecordType.STREAM_CLOSED) {
            catalog.closed(streamId);
        }
    }

    /**
     * BLOCK mode: waits until no active reader still has to read bytes before {@code needed}, or
     * until the block timeout, which is counted; the caller then overwrites either way, so that a
     * stuck reader never stalls producers for good, and later claims do not wait for that reader
     * until its cursor moves. Readers whose process died are found by their slot lock and stop
     * counting at once.
     */
    private void awaitReaders(long needed) {
        if (needed <= readersClearUpTo || (readersClearUpTo = slowestReader()) >= needed) {
            return;
        }
        long startedNanos = System.nanoTime();
        long nextLivenessCheck = startedNanos;
        for (int checks = 0; (readersClearUpTo = slowestReader()) < needed; checks++) {
            long now = System.nanoTime();
            if (now - nextLivenessCheck >= 0) {
                reclaimDeadReadersBefore(needed);
                nextLivenessCheck = now + LIVENESS_CHECK_NANOS;
                continue;
            }
            if (now - startedNanos >= blockTimeoutNanos) {
                file.increment(BLOCK_TIMEOUTS_OFFSET);
                markStalledBefore(needed);
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

    /**
     * The smallest cursor of the active readers that are not stalled, and at most the write position: a
     * reader in another process that registers later starts at a write position no earlier than that.
     * A stalled reader whose cursor moved counts again from here on.
     */
    private long slowestReader() {
        long slowest = writePosition;
        for (int slot = 0; slot < READER_SLOT_COUNT; slot++) {
            if (slots.active(slot)) {
                long cursor = slots.cursor(slot);
                if (cursor == stalledAt[slot]) {
                    continue;
                }
                stalledAt[slot] = -1;
                slowest = Math.min(slowest, cursor);
            }
        }
        return slowest;
    }

    /**
     * After a block timeout: the readers still before {@code needed} are stalled where they are; a new
     * reader in a freed slot starts at the write position, beyond any such cursor, so it is never
     * mistaken for the stalled one.
     */
    private void markStalledBefore(long needed) {
        for (int slot = 0; slot < READER_SLOT_COUNT; slot++) {
            if (slots.active(slot)) {
                long cursor = slots.cursor(slot);
                if (cursor < needed && cursor != stalledAt[slot]) {
                    stalledAt[slot] = cursor;
                    LOG.warn("Ring {}: reader '{}' (process {}) has not read on from position {} within the block"
                            + " timeout of {} ms; producers overwrite its records and do not wait for it until it reads"
                            + " again", file.path, slots.name(slot), slots.pid(slot), cursor,
                            TimeUnit.NANOSECONDS.toMillis(blockTimeoutNanos));
                }
            }
        }
    }

    private void reclaimDeadReadersBefore(long position) {
        for (int slot = 0; slot < READER_SLOT_COUNT; slot++) {
            if (!localReaders.containsKey(slot) && slots.active(slot) && slots.cursor(slot) < position) {
                slots.reclaimIfDead(slot);
            }
        }
    }

    /**
     * Moves the oldest position past every record before {@code firstKept}, before any of their
     * bytes changes: a reader that copied such a record then sees that it may be torn.
     */
    private void releaseSpaceUpTo(long firstKept, long recordStart) {
        long oldest = oldestPosition;
        while (oldest < firstKept) {
            long offset = file.offset(oldest);
            ByteBuffer segment = file.segment(offset);
            int local = file.local(offset);
            long word = file.recordWord(segment, local);
            if (wordLength(word) < 0) {
                word = awaitClaim(segment, local, word, oldest);
            }
            long length = align(wordLength(word));
            if (length < 8 || length > file.room(offset)) {
                // Only a foreign write into the file makes a record's extent impossible; where the next
                // record starts is then unknown, so everything before the new record is given up.
                LOG.error("Ring {}: the record at position {} has an impossible length {} (type code {}): the"
                        + " file was written to by another process. Readers lose the records up to position {}.",
                        file.path, oldest, wordLength(word), wordType(word), recordStart);
                oldest = recordStart;
                break;
            }
            oldest += length;
        }
        OLDEST_POSITION.setRelease(this, oldest);
        file.setLong(OLDEST_POSITION_OFFSET, oldest);
        // A release store only keeps earlier accesses before it; the bytes written next over the
        // released records must not become visible before the new oldest position either.
        VarHandle.releaseFence();
    }

    /**
     * Waits for an older claim to be committed or aborted before its space is reused; abandons it
     * (marks it aborted, counted and logged) after {@link #CLAIM_TIMEOUT_NANOS}.
     *
     * @return the claim's final record word
     */
    private long awaitClaim(ByteBuffer segment, int local, long claimed, long position) {
        long deadline = System.nanoTime() + CLAIM_TIMEOUT_NANOS;
        long word = claimed;
        while (wordLength(word) < 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(PARK_NANOS);
            word = file.recordWord(segment, local);
        }
        if (wordLength(word) >= 0) {
            return word;
        }
        long abandoned = word(-wordLength(claimed), wordType(claimed), FLAG_ABORTED);
        if (LONGS.compareAndSet(segment, local + RECORD_WORD, claimed, abandoned)) {
            file.increment(ABANDONED_CLAIMS_OFFSET);
            LOG.error("Ring {}: the claim at position {} (stream {}, index {}) was not committed within {} ms;"
                    + " it is abandoned and its record dropped. Producers must commit or abort a claim at once.",
                    file.path, position, segment.getInt(local + RECORD_STREAM_ID), segment.getLong(local + RECORD_INDEX),
                    TimeUnit.NANOSECONDS.toMillis(CLAIM_TIMEOUT_NANOS));
            return abandoned;
        }
        return file.recordWord(segment, local);
    }

    // ---- reading

    @Override
    public RingReader openReader(String name) {
        Objects.requireNonNull(name, "name");
        // Under the publish lock no record is being claimed, so the write position and the next
        // record index agree and the reader counts losses exactly from the start. An attached ring
        // cannot hold the publishing process's lock: its readers learn the index from the first
        // record they read.
        publishLock.lock();
        try {
            ensureOpen();
            long start = publisher ? writePosition : writePosition();
            ReaderSlots.Registration registration = slots.register(name, start);
            long expectedIndex = publisher ? recordsClaimed : MappedRingReader.UNKNOWN_INDEX;
            MappedRingReader reader = new MappedRingReader(this, registration, name, start, expectedIndex);
            localReaders.put(registration.slot(), reader);
            return reader;
        } finally {
            publishLock.unlock();
        }
    }

    /**
     * The descriptors of the streams that are open (as far as the catalog holds them), for a reader
     * that joins late: see LAYOUT.md §5.2. In-process readers get descriptors from the core instead.
     */
    Collection<RingCatalog.Entry> catalog() {
        return catalog.read();
    }

    @Override
    public long maxPayloadBytes() {
        return maxRecord - RECORD_HEADER_SIZE;
    }

    @Override
    public RingStats stats() {
        // Cursors first, counters after: every cursor is then at or before the write position read.
        record ActiveSlot(int slot, long cursor) {
        }
        List<ActiveSlot> activeSlots = new ArrayList<>();
        for (int slot = 0; slot < READER_SLOT_COUNT; slot++) {
            if (slots.active(slot)) {
                activeSlots.add(new ActiveSlot(slot, slots.cursor(slot)));
            }
        }
        long oldest = oldestPosition();
        long write = writePosition();
        List<ReaderStats> readers = new ArrayList<>(activeSlots.size());
        for (ActiveSlot active : activeSlots) {
            int slot = active.slot();
            MappedRingReader local = localReaders.get(slot);
            readers.add(local != null
                    ? new ReaderStats(local.name(), slots.pid(slot), active.cursor(), write - active.cursor(),
                            local.lostRecords(), local.corruptRecords())
                    : new ReaderStats(slots.name(slot), slots.pid(slot), active.cursor(), write - active.cursor(),
                            slots.lost(slot), -1));
        }
        return new RingStats(file.path.toString(), capacity, overflowMode, write, oldest,
                file.getLong(RECORDS_CLAIMED_OFFSET), write, // positions start at 0 when the ring is created
                file.getLong(BLOCK_TIMEOUTS_OFFSET), file.getLong(DEAD_READERS_OFFSET),
                file.getLong(ABANDONED_CLAIMS_OFFSET), List.copyOf(readers), null);
    }

    /**
     * Refuses further publishing and opening, closes this instance's readers (freeing their slots)
     * and the file channel. Keeps the file: other processes may still read it.
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
        try {
            file.close();
        } catch (IOException e) {
            LOG.warn("Ring {}: closing the file failed", file.path, e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("ring " + file.path + " is closed");
        }
    }

    // ---- access for MappedRingReader and MappedRingClaim

    RingFile file() {
        return file;
    }

    ReaderSlots slots() {
        return slots;
    }

    long maxRecord() {
        return maxRecord;
    }

    long writePosition() {
        return publisher ? (long) WRITE_POSITION.getAcquire(this) : file.getLong(WRITE_POSITION_OFFSET);
    }

    long oldestPosition() {
        return publisher ? (long) OLDEST_POSITION.getAcquire(this) : file.getLong(OLDEST_POSITION_OFFSET);
    }

    void readerClosed(MappedRingReader reader, ReaderSlots.Registration registration) {
        localReaders.remove(registration.slot(), reader);
        slots.unregister(registration);
    }
}
