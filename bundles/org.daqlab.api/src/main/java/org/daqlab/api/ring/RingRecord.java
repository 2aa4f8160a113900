package org.daqlab.api.ring;

import org.osgi.annotation.versioning.ProviderType;

import java.nio.ByteBuffer;

/**
 * A record handed to a {@link RecordHandler}. Valid only during the call: copy what must outlive it.
 */
@ProviderType
public interface RingRecord {

    /** The record type. */
    RecordType type();

    /** Stream id assigned by the publisher (0 for run-level documents). */
    int streamId();

    /** Sequence number within the stream (or the document kind). */
    long sequence();

    /** Producer timestamp, ns since the Unix epoch. */
    long timestampNs();

    /** Ring-wide record index, from 0, counting every non-padding record ever published. */
    long index();

    /** Absolute byte position of the record in the ring's log. */
    long position();

    /**
     * The payload, read-only, positioned at 0, in the default (big-endian) byte order of a new
     * buffer: set the order that the payload's format uses (Arrow IPC is little-endian).
     */
    ByteBuffer payload();
}
