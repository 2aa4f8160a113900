package org.daqlab.api.ring;

import java.util.List;

/**
 * A snapshot of the ring buffer's state.
 *
 * @param path               the memory-mapped file
 * @param capacityBytes      data capacity
 * @param overflowMode       overflow mode in force
 * @param writePosition      absolute position after the last published record
 * @param oldestPosition     absolute position of the oldest record still intact
 * @param recordsPublished   records published since the ring was created
 * @param bytesPublished     bytes published (headers and padding included)
 * @param blockTimeouts      times a BLOCK producer gave up waiting and overwrote
 * @param readers            every registered reader
 * @param configurationError the last rejected configuration, or {@code null}
 */
public record RingStats(String path, long capacityBytes, OverflowMode overflowMode, long writePosition,
        long oldestPosition, long recordsPublished, long bytesPublished, long blockTimeouts,
        List<ReaderStats> readers, String configurationError) {

    /**
     * One registered reader.
     *
     * @param name        reader name
     * @param position    its cursor
     * @param lagBytes    bytes it has still to read
     * @param lostRecords records it lost
     */
    public record ReaderStats(String name, long position, long lagBytes, long lostRecords) {
    }

    /** Bytes between the oldest intact record and the write position, as a fraction of capacity. */
    public double fill() {
        return capacityBytes == 0 ? 0 : (double) (writePosition - oldestPosition) / capacityBytes;
    }
}
