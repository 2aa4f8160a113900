package org.daqlab.driver.sim.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleClockTest {

    @Test
    void offsetsAreRoundedFromTheIndexSoTheyNeverDrift() {
        SampleClock threeHertz = new SampleClock(3, 0, 0);
        assertEquals(0, threeHertz.offsetNs(0));
        assertEquals(333_333_333, threeHertz.offsetNs(1));
        assertEquals(666_666_667, threeHertz.offsetNs(2));
        assertEquals(1_000_000_000, threeHertz.offsetNs(3));
        assertEquals(1_000_000_000_000_000_000L, threeHertz.offsetNs(3_000_000_000L), "after ~32 years, still exact");
    }

    @Test
    void timestampsAndDeadlinesShareTheOffset() {
        SampleClock clock = new SampleClock(10_000, 1_700_000_000_000_000_000L, 5_000);
        assertEquals(1_700_000_000_000_000_000L + 2_500_000, clock.timestampNs(25));
        assertEquals(5_000 + 2_500_000, clock.dueNanoTime(25));
        assertFalse(clock.isFreeRunning());
    }

    @Test
    void aFreeRunningClockHasNoSchedule() {
        SampleClock clock = SampleClock.startingNow(0);
        assertTrue(clock.isFreeRunning());
        assertThrows(IllegalStateException.class, () -> clock.timestampNs(1));
        assertTrue(clock.nowEpochNs() > 0);
    }

    @Test
    void rejectsNegativeAndNonFiniteRates() {
        assertThrows(IllegalArgumentException.class, () -> new SampleClock(-1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SampleClock(Double.NaN, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SampleClock(Double.POSITIVE_INFINITY, 0, 0));
    }
}
