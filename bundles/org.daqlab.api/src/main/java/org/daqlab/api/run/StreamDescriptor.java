package org.daqlab.api.run;

import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.StreamSchemas;

import java.util.Map;
import java.util.Objects;

/**
 * Describes one stream (event-model {@code descriptor}): its name, the instrument producing it,
 * the Arrow schema of its batches and the instrument metadata known when it was opened.
 *
 * @param stream       stream name, unique in the platform (e.g. {@code camera0}); letters, digits,
 *                     {@code _ - .} only, so it can be used in file and dataset names
 * @param instrumentId id of the producing instrument
 * @param schema       schema of every batch of the stream, following {@link StreamSchemas}
 * @param metadata     instrument metadata (values are String, Long, Double or Boolean)
 */
public record StreamDescriptor(String stream, String instrumentId, Schema schema, Map<String, Object> metadata) {

    /** Validates and freezes the descriptor. */
    public StreamDescriptor {
        checkName("stream", stream);
        checkName("instrument id", instrumentId);
        Objects.requireNonNull(schema, "schema");
        StreamSchemas.validate(schema);
        metadata = Map.copyOf(metadata);
    }

    /**
     * Checks that a stream or instrument name is safe to use in file names and datasets.
     *
     * @throws IllegalArgumentException naming the value and the allowed characters
     */
    public static void checkName(String what, String name) {
        if (name == null || name.isEmpty() || name.length() > 128 || !name.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException(what + " '" + name + "' is not allowed: use 1 to 128 letters, digits, "
                    + "'_', '-' or '.', not starting with '.' or '-'");
        }
    }
}
