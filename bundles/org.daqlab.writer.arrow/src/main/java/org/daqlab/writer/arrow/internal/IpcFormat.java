package org.daqlab.writer.arrow.internal;

import java.util.Arrays;
import java.util.Locale;

/** The two Arrow IPC formats, as the {@code format} property names them. */
enum IpcFormat {
    /** The streaming format: schema, batches, end-of-stream marker. */
    STREAM("arrows"),
    /** The file format: magic, the streaming format's messages, a footer indexing them, magic. */
    FILE("arrow");

    private final String extension;

    IpcFormat(String extension) {
        this.extension = extension;
    }

    /** The option value, as in the configuration. */
    String option() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The file extension, without the dot ({@code arrows} as Arrow recommends for streams, {@code arrow} for files). */
    String extension() {
        return extension;
    }

    /**
     * @throws IllegalArgumentException naming the value and the options
     */
    static IpcFormat fromOption(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (IpcFormat f : values()) {
            if (f.option().equals(v)) {
                return f;
            }
        }
        throw new IllegalArgumentException("format = '" + value + "' is not one of "
                + Arrays.stream(values()).map(IpcFormat::option).toList());
    }
}
