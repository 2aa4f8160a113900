package org.daqlab.driver.sim.internal;

import org.daqlab.api.data.StreamSchemas;

import java.time.Instant;

/**
 * An instrument's sample clock: when each sample is taken.
 *
 * <p>Sample {@code i} is taken {@code offsetNs(i) = round(i · 10^9 / rateHz)} nanoseconds after the
 * start, so its timestamp is {@code startEpochNs + offsetNs(i)}. The offset is computed from the
 * index rather than accumulated period by period, so neither timestamps nor pacing drift when the
 * period is not a whole number of nanoseconds (3 Hz: 0, 333333333, 666666667, 1000000000, …).
 *
 * <p>Pacing uses {@link System#nanoTime()} (monotonic): sample {@code i} is due at
 * {@code startNanoTime + offsetNs(i)}, an absolute deadline, so a late batch does not delay the ones
 * after it.
 *
 * <p>A clock with rate 0 is free-running: samples have no schedule and are taken as fast as
 * possible; {@link #nowEpochNs()} then gives the current time on the same monotonic base.
 */
final class SampleClock {

    private final double rateHz;
    private final long startEpochNs;
    private final long startNanoTime;

    /**
     * @param rateHz        samples per second, or 0 for a free-running clock
     * @param startEpochNs  timestamp of sample 0, ns since the Unix epoch
     * @param startNanoTime {@link System#nanoTime()} at the same instant
     */
    SampleClock(double rateHz, long startEpochNs, long startNanoTime) {
        if (!(rateHz >= 0) || Double.isInfinite(rateHz)) {
            throw new IllegalArgumentException("sample rate " + rateHz + " Hz must be finite and not negative");
        }
        this.rateHz = rateHz;
        this.startEpochNs = startEpochNs;
        this.startNanoTime = startNanoTime;
    }

    /** A clock whose sample 0 is taken now. */
    static SampleClock startingNow(double rateHz) {
        Instant now = Instant.now();
        long nanoTime = System.nanoTime();
        return new SampleClock(rateHz, StreamSchemas.timestampNs(now), nanoTime);
    }

    /** Whether the clock has no schedule (rate 0). */
    boolean isFreeRunning() {
        return rateHz == 0;
    }

    /** Nanoseconds from sample 0 to sample {@code sampleIndex}: {@code round(i · 10^9 / rateHz)}. */
    long offsetNs(long sampleIndex) {
        requireSchedule();
        return Math.round(sampleIndex * 1e9 / rateHz);
    }

    /** Timestamp of sample {@code sampleIndex}, ns since the Unix epoch. */
    long timestampNs(long sampleIndex) {
        return startEpochNs + offsetNs(sampleIndex);
    }

    /** The {@link System#nanoTime()} at which sample {@code sampleIndex} is due. */
    long dueNanoTime(long sampleIndex) {
        return startNanoTime + offsetNs(sampleIndex);
    }

    /** The current time, ns since the Unix epoch, measured on the clock's monotonic base. */
    long nowEpochNs() {
        return startEpochNs + (System.nanoTime() - startNanoTime);
    }

    private void requireSchedule() {
        if (isFreeRunning()) {
            throw new IllegalStateException("a free-running sample clock has no schedule");
        }
    }
}
