package org.daqlab.api.ring;

/** What a producer does when the ring is full. */
public enum OverflowMode {
    /**
     * Never wait: overwrite the oldest records. A reader that was lapped skips to the oldest record
     * still present and counts exactly the records it lost.
     */
    DISCARD_OLDEST,
    /**
     * Wait for the slowest registered reader, up to the configured timeout; after the timeout the
     * producer overwrites as in {@link #DISCARD_OLDEST} and the timeout is counted.
     */
    BLOCK
}
