package org.daqlab.core.internal;

import java.time.Duration;

/**
 * How the core treats writers that fail or hang.
 *
 * @param firstRetry  delay before a writer that failed during a run tries a new segment
 * @param maxRetry    the delay doubles with every failed attempt, up to this
 * @param stuckAfter  a call into a writer that has not returned for this long makes it STUCK
 */
record FaultPolicy(Duration firstRetry, Duration maxRetry, Duration stuckAfter) {

    static FaultPolicy of(CoreConfig config) {
        Duration first = Duration.ofSeconds(Math.max(1, config.writer__retry__secs()));
        Duration max = Duration.ofSeconds(Math.max(1, config.writer__retry__max__secs()));
        return new FaultPolicy(first, max.compareTo(first) < 0 ? first : max,
                Duration.ofSeconds(Math.max(1, config.stuck__writer__secs())));
    }

    /** The delay after {@code previous} (zero before the first attempt). */
    Duration nextRetry(Duration previous) {
        if (previous.isZero()) {
            return firstRetry;
        }
        Duration doubled = previous.multipliedBy(2);
        return doubled.compareTo(maxRetry) > 0 ? maxRetry : doubled;
    }
}
