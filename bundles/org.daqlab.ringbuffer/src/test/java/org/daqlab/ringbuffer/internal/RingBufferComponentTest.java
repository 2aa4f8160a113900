package org.daqlab.ringbuffer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.daqlab.api.ring.OverflowMode;
import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingReader;
import org.daqlab.api.ring.RingStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The DS component, activated by hand with default locations in a temp directory. */
class RingBufferComponentTest {

    @TempDir
    Path dir;

    private RingBufferComponent activated(Map<String, Object> properties) throws IOException {
        RingBufferComponent component = new RingBufferComponent(List.of(dir.resolve("default").resolve("ring.dat")));
        component.activate(Configs.of(properties), properties, null);
        return component;
    }

    @Test
    void aValidConfigurationGivesAWorkingRingWithoutError() throws IOException {
        Path file = dir.resolve("configured.dat");
        RingBufferComponent component = activated(Map.of("path", file.toString(), "capacity_mb", 1,
                "overflow_mode", "BLOCK"));
        try (RingReader reader = component.openReader("reader")) {
            component.publish(RecordType.RUN_START, 0, 0, 0, Payloads.derived(0, 10));

            assertEquals(1, Payloads.drain(reader).size());
            RingStats stats = component.stats();
            assertEquals(file.toString(), stats.path());
            assertEquals(1L << 20, stats.capacityBytes());
            assertEquals(OverflowMode.BLOCK, stats.overflowMode());
            assertNull(stats.configurationError());
        } finally {
            component.deactivate();
        }
    }

    @Test
    void anUnusablePathFallsBackToTheDefaultLocationAndSaysWhy() throws IOException {
        Path notADirectory = Files.createFile(dir.resolve("plain-file"));
        String unusable = notADirectory.resolve("ring.dat").toString();
        RingBufferComponent component = activated(Map.of("path", unusable, "capacity_mb", 1));
        try {
            RingStats stats = component.stats();

            assertEquals(dir.resolve("default").resolve("ring.dat").toString(), stats.path());
            String error = stats.configurationError();
            assertTrue(error.startsWith(
                    "Configuration org.daqlab.ringbuffer: path = \"" + unusable + "\" is not usable"), error);
            assertTrue(error.contains("(valid: a file in a writable directory with room for 1052672 bytes"), error);
            assertTrue(error.contains("Fix: set path to such a file"), error);
            assertTrue(error.endsWith("Trying " + stats.path() + " instead."), error);
            assertEquals(0, component.publish(RecordType.RUN_START, 0, 0, 0, Payloads.derived(0, 10)));
        } finally {
            component.deactivate();
        }
    }

    @Test
    void invalidValuesStillStartTheRingWithDefaults() throws IOException {
        RingBufferComponent component = activated(Map.of("capacity_mb", 1, "block_timeout_ms", -1L,
                "overflow_mode", "SOMETIMES"));
        try {
            RingStats stats = component.stats();

            assertEquals(OverflowMode.DISCARD_OLDEST, stats.overflowMode());
            assertTrue(stats.configurationError().contains("block_timeout_ms = -1 is invalid"));
            assertTrue(stats.configurationError().contains("overflow_mode = \"SOMETIMES\" is invalid"));
        } finally {
            component.deactivate();
        }
    }

    @Test
    void deactivationKeepsTheFileAndReactivationReplacesIt() throws IOException {
        Map<String, Object> properties = Map.of("capacity_mb", 1);
        RingBufferComponent first = activated(properties);
        first.publish(RecordType.RUN_START, 0, 0, 0, Payloads.derived(0, 10));
        Path file = Path.of(first.stats().path());
        try (MappedRing externalReader = MappedRing.attach(file)) {
            first.deactivate();
            assertThrows(IllegalStateException.class, first::stats);
            assertTrue(Files.exists(file));

            RingBufferComponent second = activated(properties);
            try {
                assertEquals(0, second.stats().recordsPublished());
                // A process still mapping the old file keeps a valid (if frozen) ring.
                assertEquals(1, externalReader.stats().recordsPublished());
            } finally {
                second.deactivate();
            }
        }
    }
}
