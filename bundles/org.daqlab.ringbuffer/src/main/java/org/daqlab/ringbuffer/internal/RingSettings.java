package org.daqlab.ringbuffer.internal;

import static org.daqlab.ringbuffer.internal.RingBufferComponent.DEFAULT_BLOCK_TIMEOUT_MS;
import static org.daqlab.ringbuffer.internal.RingBufferComponent.DEFAULT_CAPACITY_MB;
import static org.daqlab.ringbuffer.internal.RingBufferComponent.MAX_CAPACITY_MB;
import static org.daqlab.ringbuffer.internal.RingBufferComponent.PID;

import org.daqlab.api.ring.OverflowMode;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The ring component's configuration after validation. A rejected value never stops the ring: it is
 * replaced by its default and explained in {@link #errors()}, one message per property that names
 * the PID, the property key, the value, the valid range and the fix.
 *
 * @param path          the configured file, or empty for the default location
 * @param capacityBytes data capacity
 * @param overflowMode  overflow mode
 * @param blockTimeout  BLOCK producers' wait limit
 * @param errors        the rejected values, explained
 */
record RingSettings(Optional<Path> path, long capacityBytes, OverflowMode overflowMode, Duration blockTimeout,
        List<String> errors) {

    private static final long MIB = 1L << 20;

    /** The same settings with a ring file chosen by the launcher. */
    RingSettings withPath(Path launcherPath) {
        return new RingSettings(Optional.of(launcherPath), capacityBytes, overflowMode, blockTimeout, errors);
    }

    /**
     * Validates a configuration.
     *
     * @param config     the configuration as DS presents it
     * @param properties the raw properties, to quote a value that DS could not convert
     */
    static RingSettings validate(RingBufferComponent.Config config, Map<String, ?> properties) {
        List<String> errors = new ArrayList<>();
        String path = checked("path", config::path, RingSettings::isPath, "",
                "a file path in a writable directory, or empty for the default location", properties, errors);
        int capacityMb = checked("capacity_mb", config::capacity__mb,
                mb -> mb >= 1 && mb <= MAX_CAPACITY_MB && (mb <= 1024 || mb % 1024 == 0), DEFAULT_CAPACITY_MB,
                "1 to 1024 MiB, or a multiple of 1024 up to " + MAX_CAPACITY_MB + " MiB (larger rings are mapped in 1 GiB"
                        + " segments)", properties,
                errors);
        OverflowMode overflowMode = checked("overflow_mode", config::overflow__mode, Objects::nonNull,
                OverflowMode.DISCARD_OLDEST, "DISCARD_OLDEST or BLOCK", properties, errors);
        long blockTimeoutMs = checked("block_timeout_ms", config::block__timeout__ms, ms -> ms >= 0,
                DEFAULT_BLOCK_TIMEOUT_MS, "0 or more milliseconds", properties, errors);
        return new RingSettings(path.isEmpty() ? Optional.empty() : Optional.of(Path.of(path)), capacityMb * MIB,
                overflowMode, Duration.ofMillis(blockTimeoutMs), List.copyOf(errors));
    }

    /**
     * One property's value, or its default when the value is invalid or cannot be converted (DS
     * converts a configured value when its accessor is called, and throws there if it cannot).
     */
    private static <T> T checked(String key, Supplier<T> accessor, Predicate<T> valid, T defaultValue,
            String validRange, Map<String, ?> properties, List<String> errors) {
        T value;
        try {
            value = accessor.get();
        } catch (RuntimeException unconvertible) {
            errors.add(rejected(key, properties.get(key), validRange, defaultValue));
            return defaultValue;
        }
        if (valid.test(value)) {
            return value;
        }
        errors.add(rejected(key, value, validRange, defaultValue));
        return defaultValue;
    }

    private static boolean isPath(String text) {
        try {
            Path.of(text);
            return true;
        } catch (InvalidPathException notAPath) {
            return false;
        }
    }

    private static String rejected(String key, Object value, String validRange, Object defaultValue) {
        return "Configuration " + PID + ": " + key + " = " + quoted(value) + " is invalid (valid: " + validRange
                + "). Fix: set " + key + " to a valid value, or remove it to get the default. Using the default "
                + quoted(defaultValue) + " until then.";
    }

    /** A configuration value as it would be written in a configuration file. */
    static String quoted(Object value) {
        return value instanceof String || value instanceof Enum ? "\"" + value + "\"" : String.valueOf(value);
    }
}
