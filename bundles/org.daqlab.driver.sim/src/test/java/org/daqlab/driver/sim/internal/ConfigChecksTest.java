package org.daqlab.driver.sim.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConfigChecksTest {

    @Test
    void acceptsTheBounds() {
        assertEquals(1, ConfigChecks.inRange("channels", 1, 1, 64));
        assertEquals(64, ConfigChecks.inRange("channels", 64, 1, 64));
        assertEquals(0.1, ConfigChecks.inRange("rate_hz", 0.1, 0.1, 100_000));
    }

    @Test
    void namesTheAttributeAndTheRange() {
        assertEquals("channels = 0 is out of range: use 1 to 64", assertThrows(IllegalArgumentException.class,
                () -> ConfigChecks.inRange("channels", 0, 1, 64)).getMessage());
        assertEquals("rate_hz = NaN is out of range: use 0.1 to 100000.0", assertThrows(IllegalArgumentException.class,
                () -> ConfigChecks.inRange("rate_hz", Double.NaN, 0.1, 100_000)).getMessage());
    }
}
