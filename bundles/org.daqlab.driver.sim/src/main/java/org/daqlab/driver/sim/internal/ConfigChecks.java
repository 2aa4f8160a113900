package org.daqlab.driver.sim.internal;

/**
 * Range checks for configuration values. Config Admin does not enforce the metatype limits (only the
 * Web Console's form does), so every component checks its configuration when it activates and fails
 * with a message that names the attribute and the allowed range.
 */
final class ConfigChecks {

    private ConfigChecks() {
    }

    /**
     * Returns {@code value} if it lies in {@code [min, max]}.
     *
     * @throws IllegalArgumentException naming {@code attribute} and the allowed range
     */
    static int inRange(String attribute, int value, int min, int max) {
        if (value < min || value > max) {
            throw outOfRange(attribute, Integer.toString(value), Integer.toString(min), Integer.toString(max));
        }
        return value;
    }

    /**
     * Returns {@code value} if it lies in {@code [min, max]} (NaN never does).
     *
     * @throws IllegalArgumentException naming {@code attribute} and the allowed range
     */
    static double inRange(String attribute, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw outOfRange(attribute, Double.toString(value), Double.toString(min), Double.toString(max));
        }
        return value;
    }

    private static IllegalArgumentException outOfRange(String attribute, String value, String min, String max) {
        return new IllegalArgumentException(attribute + " = " + value + " is out of range: use " + min + " to " + max);
    }
}
