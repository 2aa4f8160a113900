package org.daqlab.ringbuffer.internal;

import static org.daqlab.ringbuffer.internal.RingLayout.FLAG_ABORTED;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_HEADER_SIZE;

import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingClaim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Room for one record in a {@link MappedRing}, written in place and then committed or aborted. */
final class MappedRingClaim implements RingClaim {

    private enum State { OPEN, COMMITTED, ABORTED }

    private final MappedRing ring;
    private final ByteBuffer segment;
    private final int local;
    private final RecordType type;
    private final int streamId;
    private final long sequence;
    private final long timestampNs;
    private final int payloadLength;
    private final long index;
    private final ByteBuffer buffer;
    private State state = State.OPEN;

    MappedRingClaim(MappedRing ring, ByteBuffer segment, int local, RecordType type, int streamId, long sequence,
            long timestampNs, int payloadLength, long index) {
        this.ring = ring;
        this.segment = segment;
        this.local = local;
        this.type = type;
        this.streamId = streamId;
        this.sequence = sequence;
        this.timestampNs = timestampNs;
        this.payloadLength = payloadLength;
        this.index = index;
        this.buffer = segment.slice(local + RECORD_HEADER_SIZE, payloadLength).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public ByteBuffer buffer() {
        if (state != State.OPEN) {
            throw new IllegalStateException("claim " + index + " is " + state.name().toLowerCase()
                    + ": its buffer belongs to the ring again");
        }
        return buffer;
    }

    @Override
    public long index() {
        return index;
    }

    @Override
    public void commit() {
        if (state != State.OPEN) {
            throw new IllegalStateException("claim " + index + " of stream " + streamId + " is already "
                    + state.name().toLowerCase());
        }
        state = State.COMMITTED;
        // The catalog keeps a descriptor's bytes: take them while the record is surely intact.
        ByteBuffer payload = type == RecordType.DESCRIPTOR
                ? ByteBuffer.allocate(payloadLength).put(0, buffer, 0, payloadLength)
                : buffer;
        if (!ring.commitRecord(segment, local, RECORD_HEADER_SIZE + payloadLength, type, 0)) {
            throw new IllegalStateException("claim " + index + " of stream " + streamId + " of ring "
                    + ring.file().path + " was abandoned by the ring because it stayed uncommitted longer than "
                    + MappedRing.CLAIM_TIMEOUT_NANOS / 1_000_000 + " ms; the record is lost. Commit claims at once.");
        }
        ring.committed(type, streamId, index, sequence, timestampNs, payload);
    }

    @Override
    public void abort() {
        if (state == State.OPEN) {
            state = State.ABORTED;
            // Fails only when the ring abandoned the claim already, which marked it aborted too.
            ring.commitRecord(segment, local, RECORD_HEADER_SIZE + payloadLength, type, FLAG_ABORTED);
        }
    }

    @Override
    public void close() {
        abort();
    }
}
