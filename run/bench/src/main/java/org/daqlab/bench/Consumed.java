package org.daqlab.bench;

/**
 * What one reader has consumed. The per-record fields are the reader thread's own; after each
 * batch the reader publishes its totals through volatile fields, which other threads read.
 * Subclasses may do more per record (see {@link RecordLatency}).
 */
class Consumed {

    /** Sum of the first eight payload bytes of every record delivered: a checksum of what arrived. */
    long sum;
    /** Records handed to the reader's handler. */
    long delivered;

    private volatile long visibleDelivered;
    private volatile long visibleLost;
    /** Delivered plus lost: how far the reader has come through the records published. */
    private volatile long visibleTotal;

    /** Called by the reader for every record it is handed. */
    void accept(long firstLong) {
        sum += firstLong;
        delivered++;
    }

    /** Called by the reader after each batch (or empty poll) with its loss count so far. */
    void publish(long lost) {
        visibleLost = lost;
        visibleDelivered = delivered;
        visibleTotal = delivered + lost;
    }

    long total() {
        return visibleTotal;
    }

    long deliveredSoFar() {
        return visibleDelivered;
    }

    long lostSoFar() {
        return visibleLost;
    }

    /** Waits (spinning, then yielding) until the reader has come through {@code target} records. */
    void awaitTotal(long target) {
        Backoff idle = new Backoff();
        while (visibleTotal < target) {
            idle.idle();
        }
    }

    /** The checksum, read by another thread once the reader has stopped. */
    long sumAfterStop() {
        return sum;
    }
}
