package org.daqlab.api.ring;

import org.osgi.annotation.versioning.ProviderType;

import java.util.List;

/**
 * A snapshot of the ring buffer's state. Built by the ring; consumers only read it.
 *
 * @param path                 the memory-mapped file
 * @param capacityBytes        data capacity
 * @param overflowMode         overflow mode in force
 * @param writePosition        absolute position after the last claimed record
 * @param oldestPosition       absolute position of the oldest record still intact
 * @param recordsPublished     records claimed since the ring was created (aborted ones included)
 * @param bytesPublished       bytes published (headers and padding included)
 * @param blockTimeouts        times a BLOCK producer gave up waiting and overwrote
 * @param deadReadersReclaimed reader slots freed because their process had died
 * @param abandonedClaims      claims the ring gave up on because they stayed uncommitted too long
 * @param readers              every registered reader
 * @param configurationError   the last rejected configuration, or {@code null}
 */
@ProviderType
public record RingStats(String path, long capacityBytes, OverflowMode overflowMode, long writePosition,
        long oldestPosition, long recordsPublished, long bytesPublished, long blockTimeouts,
        long deadReadersReclaimed, long abandonedClaims, List<ReaderStats> readers, String configurationError) {

    /**
     * One registered reader, in this process or another.
     *
     * @param name           reader name
     * @param processId      the reader's process
     * @param position       its cursor
     * @param lagBytes       bytes it has still to read
     * @param lostRecords    records it lost (-1 when a reader in another process does not report it)
     * @param corruptRecords corrupt records it skipped (-1 when not known: a reader in another process)
     */
    @ProviderType
    public record ReaderStats(String name, long processId, long position, long lagBytes, long lostRecords,
            long corruptRecords) {
    }

    /** Bytes between the oldest intact record and the write position, as a fraction of capacity. */
    public double fill() {
        return capacityBytes == 0 ? 0 : (double) (writePosition - oldestPosition) / capacityBytes;
    }

    /** The same snapshot with a configuration error attached. */
    public RingStats withConfigurationError(String error) {
        return new RingStats(path, capacityBytes, overflowMode, writePosition, oldestPosition, recordsPublished,
                bytesPublished, blockTimeouts, deadReadersReclaimed, abandonedClaims, readers, error);
    }
}
