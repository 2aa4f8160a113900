package org.daqlab.ringbuffer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.daqlab.api.ring.OverflowMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

class RingSettingsTest {

    private static RingSettings validate(Map<String, Object> properties) {
        return RingSettings.validate(Configs.of(properties), properties);
    }

    @Test
    void defaultsAreValid() {
        RingSettings settings = validate(Map.of());

        assertEquals(new RingSettings(Optional.empty(), 256L << 20, OverflowMode.DISCARD_OLDEST,
                Duration.ofMillis(1000), List.of()), settings);
    }

    @Test
    void validValuesAreTaken() {
        RingSettings settings = validate(Map.of("path", "/data/ring.dat", "capacity_mb", 8192,
                "overflow_mode", "BLOCK", "block_timeout_ms", 0L));

        assertEquals(new RingSettings(Optional.of(Path.of("/data/ring.dat")), 8192L << 20, OverflowMode.BLOCK,
                Duration.ZERO, List.of()), settings);
    }

    @Test
    void eachInvalidValueFallsBackToItsDefaultWithOnePreciseMessage() {
        RingSettings settings = validate(Map.of("path", "bad\0path", "capacity_mb", -8,
                "overflow_mode", "SOMETIMES", "block_timeout_ms", -5L));

        assertEquals(new RingSettings(Optional.empty(), 256L << 20, OverflowMode.DISCARD_OLDEST,
                Duration.ofMillis(1000), settings.errors()), settings);
        List<String> errors = settings.errors();
        assertEquals(4, errors.size(), errors.toString());
        assertMessage(errors.get(0), "path = \"bad\0path\"", "a file path", "\"\"");
        assertMessage(errors.get(1), "capacity_mb = -8", "1 to 1024 MiB, or a multiple of 1024", "256");
        assertMessage(errors.get(2), "overflow_mode = \"SOMETIMES\"", "DISCARD_OLDEST or BLOCK", "\"DISCARD_OLDEST\"");
        assertMessage(errors.get(3), "block_timeout_ms = -5", "0 or more", "1000");
    }

    @Test
    void aCapacityOfZeroIsRejected() {
        RingSettings settings = validate(Map.of("capacity_mb", 0));

        assertEquals(256L << 20, settings.capacityBytes());
        assertMessage(settings.errors().get(0), "capacity_mb = 0", "1 to 1024 MiB, or a multiple of 1024", "256");
    }

    /** PID, key and value, valid range, fix, and the default used. */
    private static void assertMessage(String message, String keyAndValue, String validRange, String defaultValue) {
        assertTrue(message.startsWith("Configuration org.daqlab.ringbuffer: " + keyAndValue + " is invalid"), message);
        assertTrue(message.contains("(valid: " + validRange), message);
        assertTrue(message.contains("Fix: set "), message);
        assertTrue(message.endsWith("Using the default " + defaultValue + " until then."), message);
    }
}
