package org.daqlab.api.run;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The document that closes a run (event-model {@code stop}).
 *
 * @param uid            the uid of the {@link RunStart} it closes
 * @param timestampNs    when the run stopped, ns since the Unix epoch (UTC)
 * @param exitStatus     how the run ended
 * @param reason         why it ended, for people ("stopped from the shell", "framework shutdown")
 * @param rowsPerStream  rows published per stream during the run
 */
public record RunStop(String uid, long timestampNs, ExitStatus exitStatus, String reason, Map<String, Long> rowsPerStream) {

    /** How a run ended, as in the event model. */
    public enum ExitStatus {
        /** Stopped as intended. */
        SUCCESS,
        /** Stopped early on purpose (shutdown, user abort). */
        ABORT,
        /** Stopped because of a failure. */
        FAIL
    }

    /** Validates and freezes the document. */
    public RunStop {
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(exitStatus, "exitStatus");
        reason = reason == null ? "" : reason;
        rowsPerStream = Map.copyOf(rowsPerStream);
    }

    /**
     * The stop as a plain document for a writer's JSON, the same keys in every format: {@code time}
     * (ISO 8601 UTC with nanoseconds), {@code time_ns}, {@code exit_status}, {@code reason}.
     */
    public Map<String, Object> document() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("time", Instant.ofEpochSecond(0, timestampNs).toString());
        document.put("time_ns", timestampNs);
        document.put("exit_status", exitStatus.name());
        document.put("reason", reason);
        return document;
    }
}
