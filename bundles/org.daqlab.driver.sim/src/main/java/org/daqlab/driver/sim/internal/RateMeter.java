package org.daqlab.driver.sim.internal;

import java.util.ArrayDeque;

/**
 * Rows per second over a sliding window of the last few seconds.
 *
 * <p>Keeps checkpoints {@code (time, total rows)} at most every window/50, and reports the rows
 * added since the newest checkpoint that is at least a window old, divided by the time since it. A
 * stalled producer therefore decays towards 0 instead of showing its last rate forever.
 *
 * <p>Thread-safe: the acquisition thread adds rows while status readers ask for the rate. Times are
 * {@link System#nanoTime()} values passed in by the caller, which keeps the class testable without
 * a clock.
 */
final class RateMeter {

    private record Checkpoint(long nanoTime, long totalRows) {
    }

    private final long windowNs;
    private final long resolutionNs;
    private final ArrayDeque<Checkpoint> checkpoints = new ArrayDeque<>();
    private long totalRows;

    /**
     * @param windowNs      length of the window
     * @param startNanoTime when counting starts
     */
    RateMeter(long windowNs, long startNanoTime) {
        if (windowNs <= 0) {
            throw new IllegalArgumentException("rate window must be positive, not " + windowNs + " ns");
        }
        this.windowNs = windowNs;
        this.resolutionNs = Math.max(1, windowNs / 50);
        checkpoints.add(new Checkpoint(startNanoTime, 0));
    }

    /** Counts {@code rows} added at {@code nowNanoTime}. */
    synchronized void add(long rows, long nowNanoTime) {
        totalRows += rows;
        if (nowNanoTime - checkpoints.getLast().nanoTime() >= resolutionNs) {
            checkpoints.addLast(new Checkpoint(nowNanoTime, totalRows));
        }
        discardExpired(nowNanoTime);
    }

    /** Rows per second over the window ending at {@code nowNanoTime} (shorter right after the start). */
    synchronized double perSecond(long nowNanoTime) {
        discardExpired(nowNanoTime);
        Checkpoint oldest = checkpoints.getFirst();
        long elapsedNs = nowNanoTime - oldest.nanoTime();
        return elapsedNs <= 0 ? 0 : (totalRows - oldest.totalRows()) * 1e9 / elapsedNs;
    }

    /** Drops checkpoints while the next one still covers the whole window. */
    private void discardExpired(long nowNanoTime) {
        long windowStart = nowNanoTime - windowNs;
        while (checkpoints.size() > 1 && secondOldest().nanoTime() - windowStart <= 0) {
            checkpoints.removeFirst();
        }
    }

    private Checkpoint secondOldest() {
        var iterator = checkpoints.iterator();
        iterator.next();
        return iterator.next();
    }
}
