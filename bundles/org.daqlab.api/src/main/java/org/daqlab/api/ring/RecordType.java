package org.daqlab.api.ring;

/**
 * Record types in the ring, with their on-disk codes (see the ring buffer's LAYOUT.md).
 * Payloads: Arrow IPC encapsulated messages for {@link #DESCRIPTOR} (schema) and {@link #BATCH}
 * (record batch); UTF-8 JSON documents for the others.
 */
public enum RecordType {
    /** Filler up to the end of the buffer; readers skip it. Never handed to a handler. */
    PADDING(0),
    /** A stream's schema (Arrow IPC schema message; schema metadata names stream and instrument). */
    DESCRIPTOR(1),
    /** One record batch of a stream (Arrow IPC record batch message). */
    BATCH(2),
    /** A run started (JSON). */
    RUN_START(3),
    /** A run stopped (JSON). */
    RUN_STOP(4),
    /** Run-level or instrument metadata changed (JSON). */
    METADATA(5),
    /** A stream closed (JSON). */
    STREAM_CLOSED(6),
    /** Writers are asked to flush (JSON, empty object). */
    FLUSH(7);

    private final int code;

    RecordType(int code) {
        this.code = code;
    }

    /** The code stored in the record header. */
    public int code() {
        return code;
    }

    /**
     * The type for a header code.
     *
     * @throws IllegalArgumentException for an unknown code
     */
    public static RecordType of(int code) {
        for (RecordType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown ring record type " + code);
    }
}
