package org.daqlab.driver.sim.internal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Drives the meter with made-up times: no clock involved. */
class RateMeterTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long WINDOW = 5_000 * MS;

    @Test
    void reportsTheRateOverTheLastWindow() {
        RateMeter meter = new RateMeter(WINDOW, 0);
        for (long t = 100 * MS; t <= 10_000 * MS; t += 100 * MS) {
            meter.add(100, t);
        }
        assertEquals(1_000, meter.perSecond(10_000 * MS), 1e-9);
    }

    @Test
    void followsAChangeOfRateWithinOneWindow() {
        RateMeter meter = new RateMeter(WINDOW, 0);
        long t = 0;
        for (int i = 0; i < 100; i++) {
            meter.add(1_000, t += 100 * MS); // 10,000 rows/s for 10 s
        }
        for (int i = 0; i < 100; i++) {
            meter.add(10, t += 100 * MS);    // then 100 rows/s for 10 s
        }
        assertEquals(100, meter.perSecond(t), 1e-9);
    }

    @Test
    void countsFromTheStartBeforeAWindowHasPassed() {
        RateMeter meter = new RateMeter(WINDOW, 1_000 * MS);
        meter.add(50, 1_500 * MS);
        assertEquals(100, meter.perSecond(1_500 * MS), 1e-9);
    }

    @Test
    void decaysToZeroWhenNothingArrives() {
        RateMeter meter = new RateMeter(WINDOW, 0);
        meter.add(1_000, 1_000 * MS);
        assertEquals(0, meter.perSecond(60_000 * MS));
    }
}
