package org.daqlab.ringbuffer.internal;

import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingRecord;

import java.nio.ByteBuffer;

/**
 * A record as a {@link MappedRingReader} hands it out. The payload is a read-only view of the
 * reader's private copy, so it stays intact while the producers overwrite the ring, but only until
 * the reader's next record replaces the copy.
 */
record PolledRecord(RecordType type, int streamId, long sequence, long timestampNs, long index, long position,
        ByteBuffer payload) implements RingRecord {
}
