package org.daqlab.api.ring;

import org.osgi.annotation.versioning.ProviderType;

import java.nio.ByteBuffer;

/**
 * The memory-mapped ring buffer: an ordered log of records shared by any number of producers and
 * readers, in this process and others (the file's layout is specified in the bundle's LAYOUT.md).
 */
@ProviderType
public interface RingBuffer {

    /**
     * Appends a record. Safe to call from several threads at once.
     *
     * @param type        record type (not {@link RecordType#PADDING})
     * @param streamId    stream id (0 for run-level documents)
     * @param sequence    sequence number within the stream
     * @param timestampNs producer timestamp, ns since the Unix epoch
     * @param payload     the bytes from its position to its limit; not modified
     * @return the record's ring-wide index
     * @throws IllegalArgumentException if the record is larger than the ring can hold
     */
    long publish(RecordType type, int streamId, long sequence, long timestampNs, ByteBuffer payload);

    /**
     * Claims room for a record of {@code payloadLength} bytes, for the caller to write the payload
     * directly into the ring and then commit (see {@link RingClaim}). Safe to call from several
     * threads at once; records appear to readers in claim order, and a reader waits at a claim
     * that is not committed yet.
     *
     * @param type          record type (not {@link RecordType#PADDING})
     * @param streamId      stream id (0 for run-level documents)
     * @param sequence      sequence number within the stream
     * @param timestampNs   producer timestamp, ns since the Unix epoch
     * @param payloadLength payload bytes to claim, from 0 to {@link #maxPayloadBytes()}
     * @throws IllegalArgumentException if the record is larger than the ring can hold
     * @since 1.1
     */
    RingClaim claim(RecordType type, int streamId, long sequence, long timestampNs, int payloadLength);

    /**
     * Opens a reader positioned at the current write position: it sees every record published
     * from now on.
     */
    RingReader openReader(String name);

    /** Largest payload a single record may carry. */
    long maxPayloadBytes();

    /** A snapshot of the ring's state. */
    RingStats stats();
}
