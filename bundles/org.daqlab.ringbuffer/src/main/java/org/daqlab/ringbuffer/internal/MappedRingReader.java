package org.daqlab.ringbuffer.internal;

import static org.daqlab.ringbuffer.internal.RingLayout.FLAG_ABORTED;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_HEADER_SIZE;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_INDEX;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_SEQUENCE;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_STREAM_ID;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_TIMESTAMP;
import static org.daqlab.ringbuffer.internal.RingLayout.align;
import static org.daqlab.ringbuffer.internal.RingLayout.wordFlags;
import static org.daqlab.ringbuffer.internal.RingLayout.wordLength;
import static org.daqlab.ringbuffer.internal.RingLayout.wordType;

import org.daqlab.api.ring.RecordHandler;
import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A reader of a {@link MappedRing}, registered in one of the file's reader slots, following the
 * ring as LAYOUT.md §6 specifies.
 * <p>
 * Records are read SeqLock-style: the reader copies a record, then checks that the producers have
 * not moved the oldest position past it meanwhile; if they have, the copy may be torn and is
 * dropped, and the reader continues from the oldest record. Losses are counted exactly from the
 * ring-wide record indices: the first index read after a gap minus the index expected next.
 */
final class MappedRingReader implements RingReader {

    /** The next index is unknown until the first record is read (readers of an attached ring). */
    static final long UNKNOWN_INDEX = -1;

    private static final Logger LOG = LoggerFactory.getLogger(MappedRingReader.class);
    private static final int INITIAL_COPY_BYTES = 4096;
    /** Records between two stores of the cursor into the slot during one poll (a power of two). */
    private static final int CURSOR_STORE_INTERVAL = 256;
    /** Record types indexed by their code (codes are 0 to 7, without gaps). */
    private static final RecordType[] TYPES_BY_CODE = new RecordType[RecordType.values().length];

    static {
        for (RecordType type : RecordType.values()) {
            TYPES_BY_CODE[type.code()] = type;
        }
    }

    private final MappedRing ring;
    private final RingFile file;
    private final ReaderSlots.Registration registration;
    private final String name;
    private final PolledRecord record = new PolledRecord();
    /** Reader-owned copy of the current payload: handed out, so producers may overwrite the ring. */
    private ByteBuffer payloadCopy;
    private ByteBuffer payloadView;
    private long cursor;
    /** The cursor as last stored in the reader's slot. */
    private long storedCursor;
    private long expectedIndex;
    /** Written by the polling thread only; volatile so that {@link MappedRing#stats()} sees them. */
    private volatile long lostRecords;
    private volatile long corruptRecords;
    private volatile boolean closed;

    MappedRingReader(MappedRing ring, ReaderSlots.Registration registration, String name, long start,
            long expectedIndex) {
        this.ring = ring;
        this.file = ring.file();
        this.registration = registration;
        this.name = name;
        this.cursor = start;
        this.storedCursor = start;
        this.expectedIndex = expectedIndex;
        allocateCopy(INITIAL_COPY_BYTES);
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * {@inheritDoc} A record counts as read once it is handed to the handler: if the handler throws,
     * the exception propagates and the next poll continues after that record.
     *
     * @throws IllegalStateException if the reader is closed
     */
    @Override
    public int poll(RecordHandler handler, int maxRecords) {
        Objects.requireNonNull(handler, "handler");
        if (closed) {
            throw new IllegalStateException("reader '" + name + "' of ring " + file.path + " is closed");
        }
        ring.slots().heartbeat(registration.slot());
        int delivered = 0;
        long write = ring.writePosition();
        try {
            while (delivered < maxRecords && cursor < write) {
                int outcome = readAtCursor(write);
                if (outcome == DELIVERABLE) {
                    handler.onRecord(record);
                    delivered++;
                    if ((delivered & (CURSOR_STORE_INTERVAL - 1)) == 0) {
                        storeCursor();
                    }
                } else if (outcome == PENDING) {
                    break;
                } else if (cursor >= write) {
                    write = ring.writePosition();
                }
            }
        } finally {
            storeCursor();
        }
        return delivered;
    }

    /**
     * Publishes the cursor for BLOCK producers and statistics. Done every few records rather than
     * after each one, as Agrona's readers do, so that the slot's cache line does not travel to the
     * producer's core for every record.
     */
    private void storeCursor() {
        if (storedCursor != cursor) {
            storedCursor = cursor;
            ring.slots().storeCursor(registration.slot(), cursor);
        }
    }

    private static final int DELIVERABLE = 0;
    private static final int SKIPPED = 1;
    private static final int PENDING = 2;

    /**
     * Reads the record at the cursor ({@code < write}) into {@link #record} and moves past it.
     *
     * @return {@link #DELIVERABLE}; {@link #SKIPPED} when there was nothing to hand out (lapped,
     *         padding, an aborted or corrupt record: the cursor moved on); {@link #PENDING} when the
     *         record is claimed but not committed yet (the cursor stays)
     */
    private int readAtCursor(long write) {
        long offset = file.offset(cursor);
        ByteBuffer segment = file.segment(offset);
        int local = file.local(offset);
        long word = file.recordWord(segment, local);
        int length = wordLength(word);
        if (length < 0) {
            return lapped() ? SKIPPED : PENDING;
        }
        int typeCode = wordType(word);
        long room = file.room(offset);

        if (typeCode == RecordType.PADDING.code()) {
            if (lapped()) {
                return SKIPPED;
            }
            if (length != room || cursor + room > write) {
                skipCorrupt(length, typeCode, write);
                return SKIPPED;
            }
            moveTo(cursor + room);
            return SKIPPED;
        }

        long alignedLength = align(length);
        boolean plausible = typeCode > 0 && typeCode < TYPES_BY_CODE.length && length >= RECORD_HEADER_SIZE
                && alignedLength <= Math.min(room, ring.maxRecord()) && cursor + alignedLength <= write;
        if (!plausible) {
            // A torn header is expected when lapped; only an intact one that is wrong is corrupt.
            if (!lapped()) {
                skipCorrupt(length, typeCode, write);
            }
            return SKIPPED;
        }
        int streamId = segment.getInt(local + RECORD_STREAM_ID);
        long index = segment.getLong(local + RECORD_INDEX);
        long sequence = segment.getLong(local + RECORD_SEQUENCE);
        long timestampNs = segment.getLong(local + RECORD_TIMESTAMP);
        int payloadLength = length - RECORD_HEADER_SIZE;
        if (payloadCopy.capacity() < payloadLength) {
            allocateCopy(Math.max(payloadLength, 2 * payloadCopy.capacity()));
        }
        payloadCopy.put(0, segment, local + RECORD_HEADER_SIZE, payloadLength);
        if (lapped()) {
            return SKIPPED;
        }
        if (expectedIndex != UNKNOWN_INDEX && index < expectedIndex) {
            skipCorrupt(length, typeCode, write); // indices only grow: this one was not written by the publisher
            return SKIPPED;
        }
        countLossBefore(index);
        long position = cursor;
        moveTo(cursor + alignedLength);
        if ((wordFlags(word) & FLAG_ABORTED) != 0) {
            return SKIPPED;
        }
        payloadView.clear().limit(payloadLength);
        record.set(TYPES_BY_CODE[typeCode], streamId, sequence, timestampNs, index, position, payloadView);
        return DELIVERABLE;
    }

    private void allocateCopy(int capacity) {
        payloadCopy = ByteBuffer.allocate(capacity);
        payloadView = payloadCopy.asReadOnlyBuffer(); // big-endian, as RingRecord.payload() documents
    }

    /**
     * Whether producers have started to overwrite the record at the cursor, so that what was read of
     * it may be torn (they move the oldest position past a record before writing over it); if so,
     * moves the cursor to the oldest record. Called after the reads it validates: this is the only
     * read of the oldest position per record, and the publisher moves it rarely, so it stays in
     * this core's cache.
     */
    private boolean lapped() {
        // Keeps the reads of the record before the read of the oldest position below (a load with
        // acquire semantics only orders the accesses that follow it).
        VarHandle.acquireFence();
        long oldest = ring.oldestPosition();
        if (oldest > cursor) {
            // What was skipped is counted from the index of the next record read.
            moveTo(oldest);
            return true;
        }
        return false;
    }

    private void countLossBefore(long index) {
        if (expectedIndex != UNKNOWN_INDEX && index > expectedIndex) {
            lostRecords += index - expectedIndex;
            ring.slots().storeLost(registration.slot(), lostRecords);
        }
        expectedIndex = index + 1;
    }

    /**
     * Skips an intact record whose header makes no sense. Its extent cannot be trusted, so the
     * reader jumps to the write position; the records skipped are counted as lost from the next
     * index read (LAYOUT.md §6.3).
     */
    private void skipCorrupt(int length, int typeCode, long write) {
        corruptRecords++;
        LOG.error("Ring {}: reader '{}' found a corrupt record at position {} (length {}, type code {}); it was"
                + " not written by the publisher (another process wrote into the file?). Skipping to the write"
                + " position {}", file.path, name, cursor, length, typeCode, write);
        moveTo(write);
    }

    private void moveTo(long position) {
        cursor = position;
    }

    @Override
    public long lostRecords() {
        return lostRecords;
    }

    @Override
    public long corruptRecords() {
        return corruptRecords;
    }

    @Override
    public long position() {
        return cursor;
    }

    @Override
    public long lagBytes() {
        return ring.writePosition() - cursor;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            ring.readerClosed(this, registration);
        }
    }
}
