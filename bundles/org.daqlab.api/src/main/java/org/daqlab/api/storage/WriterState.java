package org.daqlab.api.storage;

/** Life cycle of a writer instance, as shown in statistics. */
public enum WriterState {
    /** No run is active. */
    IDLE,
    /** A run is active and the writer is writing it. */
    WRITING,
    /** The writer is draining and closing its files (run stop, rotation, shutdown). */
    CLOSING,
    /**
     * The writer threw; see the last error. Records that arrive meanwhile are counted as not written;
     * during a run the core tries a new segment again after a growing delay ({@link WriterStats#retries()}).
     */
    FAILED,
    /** The writer service went away. */
    STOPPED,
    /**
     * A call into the writer has not returned for longer than the core's {@code stuck_writer_secs}; see
     * the last error. Its records wait in the ring (a BLOCK ring stops waiting for it after the block
     * timeout); stopping the run or the core does not wait for it.
     */
    STUCK
}
