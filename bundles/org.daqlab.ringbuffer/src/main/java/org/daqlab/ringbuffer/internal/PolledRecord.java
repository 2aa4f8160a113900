package org.daqlab.ringbuffer.internal;

import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingRecord;

import java.nio.ByteBuffer;

/**
 * The record a {@link MappedRingReader} hands to its handler. One instance per reader, refilled for
 * every record (a record is only valid during the handler's call). The payload is a read-only view
 * of the reader's private copy, so it stays intact while producers overwrite the ring.
 */
final class PolledRecord implements RingRecord {

    private RecordType type;
    private int streamId;
    private long sequence;
    private long timestampNs;
    private long index;
    private long position;
    private ByteBuffer payload;

    PolledRecord set(RecordType type, int streamId, long sequence, long timestampNs, long index, long position,
            ByteBuffer payload) {
        this.type = type;
        this.streamId = streamId;
        this.sequence = sequence;
        this.timestampNs = timestampNs;
        this.index = index;
        this.position = position;
        this.payload = payload;
        return this;
    }

    @Override
    public RecordType type() {
        return type;
    }

    @Override
    public int streamId() {
        return streamId;
    }

    @Override
    public long sequence() {
        return sequence;
    }

    @Override
    public long timestampNs() {
        return timestampNs;
    }

    @Override
    public long index() {
        return index;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public ByteBuffer payload() {
        return payload;
    }

    @Override
    public String toString() {
        return type + " record " + index + " (stream " + streamId + ", sequence " + sequence + ", position "
                + position + ", " + payload.remaining() + " payload bytes)";
    }
}
