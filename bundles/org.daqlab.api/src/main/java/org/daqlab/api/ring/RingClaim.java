package org.daqlab.api.ring;

import org.osgi.annotation.versioning.ProviderType;

import java.nio.ByteBuffer;

/**
 * Room for one record in the ring, claimed by {@link RingBuffer#claim}: the producer writes the
 * payload straight into {@link #buffer()} and then {@link #commit() commits} it, so the payload
 * is copied once, into the ring. Until the commit, readers wait at this record; a claim is meant to
 * be filled at once, without blocking.
 * <p>
 * Use it in try-with-resources: {@link #close()} aborts a claim that was not committed, which
 * leaves a record that readers skip (it is not counted as lost).
 *
 * <pre>{@code
 * try (RingClaim claim = ring.claim(RecordType.BATCH, streamId, seq, now, length)) {
 *     fill(claim.buffer());
 *     claim.commit();
 * }
 * }</pre>
 * Not thread-safe: one thread fills and commits a claim.
 */
@ProviderType
public interface RingClaim extends AutoCloseable {

    /**
     * The claimed payload bytes in the ring: little-endian, position 0, limit and capacity equal
     * to the claimed length. Valid until {@link #commit()} or {@link #abort()}; writes after that
     * would corrupt other records, so do not keep the buffer.
     */
    ByteBuffer buffer();

    /** The record's ring-wide index. */
    long index();

    /**
     * Publishes the record to readers.
     *
     * @throws IllegalStateException if the claim was already committed or aborted, or was
     *                               abandoned by the ring because it stayed open too long (the
     *                               message says which); the record is then lost
     */
    void commit();

    /** Gives the claim up: readers skip the record. Does nothing after {@link #commit()}. */
    void abort();

    /** Aborts the claim unless it was committed. */
    @Override
    void close();
}
