package org.daqlab.ringbuffer.internal;

import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_HEADER_SIZE;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_INDEX;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_LENGTH;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_SEQUENCE;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_STREAM_ID;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_TIMESTAMP;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_TYPE;
import static org.daqlab.ringbuffer.internal.RingLayout.align;
import static org.daqlab.ringbuffer.internal.RingLayout.maxRecordBytes;

import org.daqlab.api.ring.RecordHandler;
import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A reader of a {@link MappedRing}, registered in one of the file's reader slots.
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

    private final MappedRing ring;
    private final int slot;
    private final String name;
    /** Reader-owned copy of the current payload: handed out, so producers may overwrite the ring. */
    private ByteBuffer payloadCopy = ByteBuffer.allocate(INITIAL_COPY_BYTES);
    private long cursor;
    private long expectedIndex;
    /** Written by the polling thread only; volatile so that {@link MappedRing#stats()} sees it. */
    private volatile long lostRecords;
    private volatile boolean closed;

    MappedRingReader(MappedRing ring, int slot, String name, long start, long expectedIndex) {
        this.ring = ring;
        this.slot = slot;
        this.name = name;
        this.cursor = start;
        this.expectedIndex = expectedIndex;
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
            throw new IllegalStateException("reader '" + name + "' of ring " + ring.path() + " is closed");
        }
        ring.heartbeat(slot);
        int delivered = 0;
        while (delivered < maxRecords) {
            long write = ring.writePosition();
            if (cursor >= write) {
                break;
            }
            PolledRecord record = readAtCursor(write);
            if (record != null) {
                handler.onRecord(record);
                delivered++;
            }
        }
        return delivered;
    }

    /**
     * Reads the record at the cursor ({@code < write}) and moves past it. Returns {@code null} when
     * there is nothing to hand out: the cursor then moved to the oldest record (lapped), to the next
     * lap (padding) or to {@code write} (corrupt record).
     */
    private PolledRecord readAtCursor(long write) {
        long oldest = ring.oldestPosition();
        if (cursor < oldest) {
            // Lapped: what was skipped is counted from the index of the next record read.
            moveTo(oldest);
            return null;
        }
        ByteBuffer data = ring.data();
        int offset = ring.dataOffset(cursor);
        int length = data.getInt(offset + RECORD_LENGTH);
        int typeCode = data.getShort(offset + RECORD_TYPE);
        long roomBeforeEnd = ring.capacity() - offset;

        if (typeCode == RecordType.PADDING.code()) {
            if (overwrittenSinceRead()) {
                return null;
            }
            if (length != roomBeforeEnd || cursor + roomBeforeEnd > write) {
                skipCorrupt(length, typeCode, write);
                return null;
            }
            moveTo(cursor + roomBeforeEnd);
            return null;
        }

        RecordType type = knownType(typeCode);
        long alignedLength = align(length);
        boolean plausible = type != null && length >= RECORD_HEADER_SIZE
                && alignedLength <= Math.min(roomBeforeEnd, maxRecordBytes(ring.capacity()))
                && cursor + alignedLength <= write;
        if (!plausible) {
            // A torn header is expected when lapped; only an intact one that is wrong is corrupt.
            if (!overwrittenSinceRead()) {
                skipCorrupt(length, typeCode, write);
            }
            return null;
        }
        int streamId = data.getInt(offset + RECORD_STREAM_ID);
        long index = data.getLong(offset + RECORD_INDEX);
        long sequence = data.getLong(offset + RECORD_SEQUENCE);
        long timestampNs = data.getLong(offset + RECORD_TIMESTAMP);
        int payloadLength = length - RECORD_HEADER_SIZE;
        ByteBuffer copy = payloadCopy(payloadLength);
        copy.put(0, data, offset + RECORD_HEADER_SIZE, payloadLength);
        if (overwrittenSinceRead()) {
            return null;
        }
        countLossBefore(index);
        long position = cursor;
        moveTo(cursor + alignedLength);
        return new PolledRecord(type, streamId, sequence, timestampNs, index, position,
                copy.slice(0, payloadLength).asReadOnlyBuffer());
    }

    /**
     * Whether producers have started to overwrite the record at the cursor since it was read. They
     * move the oldest position past a record before writing over it.
     */
    private boolean overwrittenSinceRead() {
        // Keeps the reads of the record before the read of the oldest position below (a load with
        // acquire semantics only orders the accesses that follow it).
        VarHandle.acquireFence();
        return ring.oldestPosition() > cursor;
    }

    private static RecordType knownType(int code) {
        try {
            return RecordType.of(code);
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }

    private ByteBuffer payloadCopy(int length) {
        if (payloadCopy.capacity() < length) {
            payloadCopy = ByteBuffer.allocate(Math.max(length, 2 * payloadCopy.capacity()));
        }
        return payloadCopy;
    }

    private void countLossBefore(long index) {
        if (expectedIndex != UNKNOWN_INDEX && index > expectedIndex) {
            lostRecords += index - expectedIndex;
        }
        expectedIndex = index + 1;
    }

    /**
     * Skips an intact record whose header makes no sense. Its extent cannot be trusted, so the
     * reader jumps to the write position; the records skipped are counted from the next index read
     * (or as one when the reader does not know which index it expects yet).
     */
    private void skipCorrupt(int length, int typeCode, long write) {
        LOG.error("Ring {}: reader '{}' found a corrupt record at position {} (length {}, type code {});"
                + " skipping to the write position {}", ring.path(), name, cursor, length, typeCode, write);
        if (expectedIndex == UNKNOWN_INDEX) {
            lostRecords++;
        }
        moveTo(write);
    }

    private void moveTo(long position) {
        cursor = position;
        ring.storeCursor(slot, position);
    }

    @Override
    public long lostRecords() {
        return lostRecords;
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
            ring.releaseSlot(slot);
        }
    }
}
