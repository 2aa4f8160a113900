package org.daqlab.api.ring;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One reader's cursor in the ring. Not thread-safe: one thread polls it. Registered in the ring
 * so that {@link OverflowMode#BLOCK} producers wait for it; close it to unregister.
 */
@ProviderType
public interface RingReader extends AutoCloseable {

    /** The name given at {@link RingBuffer#openReader}. */
    String name();

    /**
     * Hands up to {@code maxRecords} available records to {@code handler}, in publication order.
     * A record that was overwritten while being read is never handed out; it counts as lost.
     *
     * @return number of records handed to the handler (0 if none is available)
     */
    int poll(RecordHandler handler, int maxRecords);

    /** Records this reader lost because producers overwrote them before it read them. */
    long lostRecords();

    /**
     * Records this reader skipped because their header made no sense (written by a foreign process,
     * or damaged); each is logged with its position.
     *
     * @since 1.1
     */
    long corruptRecords();

    /** Absolute position of the next record to read. */
    long position();

    /** Bytes published but not yet read by this reader. */
    long lagBytes();

    /** Unregisters the reader. */
    @Override
    void close();
}
