package org.daqlab.api.storage;

/** Life cycle of a writer instance, as shown in statistics. */
public enum WriterState {
    /** No run is active. */
    IDLE,
    /** A run is active and the writer is writing it. */
    WRITING,
    /** The writer is draining and closing its files (run stop, rotation, shutdown). */
    CLOSING,
    /** The writer threw; see the last error. Records that arrive meanwhile are counted as not written. */
    FAILED,
    /** The writer service went away. */
    STOPPED
}
