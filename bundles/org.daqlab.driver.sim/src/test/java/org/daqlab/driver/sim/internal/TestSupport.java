package org.daqlab.driver.sim.internal;

import org.osgi.util.converter.Converters;

import java.util.Map;

/** Helpers shared by the tests. */
final class TestSupport {

    private TestSupport() {
    }

    /**
     * A component's configuration annotation from Config Admin-style properties, converted the
     * standard OSGi way (property {@code rate_hz} → method {@code rate__hz()}; absent ones take the
     * annotation's defaults).
     */
    static <T> T config(Class<T> type, Map<String, ?> properties) {
        return Converters.standardConverter().convert(properties).to(type);
    }

    /** Whether a live thread of this name exists. */
    static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
