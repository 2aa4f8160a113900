package org.daqlab.api.run;

import java.util.Objects;

/**
 * A metadata change during a run: run-level ({@code SetMetadata}) when {@code instrumentId} is
 * {@code null}, otherwise for one instrument ({@code SetInstrumentMetadata}).
 *
 * @param instrumentId the instrument, or {@code null} for run-level metadata
 * @param key          metadata key, never empty
 * @param value        String, Long, Double or Boolean
 * @param timestampNs  when the change was made, ns since the Unix epoch
 */
public record MetadataUpdate(String instrumentId, String key, Object value, long timestampNs) {

    /** Validates the update. */
    public MetadataUpdate {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("metadata key must not be empty");
        }
        Objects.requireNonNull(value, "value");
        if (!(value instanceof String || value instanceof Long || value instanceof Double || value instanceof Boolean)) {
            throw new IllegalArgumentException("metadata '" + key + "' has a value of type "
                    + value.getClass().getSimpleName() + ": use String, Long, Double or Boolean");
        }
    }

    /** Whether this is run-level metadata. */
    public boolean isRunLevel() {
        return instrumentId == null;
    }
}
