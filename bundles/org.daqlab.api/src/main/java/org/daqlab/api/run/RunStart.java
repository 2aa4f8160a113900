package org.daqlab.api.run;

import java.util.Map;
import java.util.Objects;

/**
 * The document that opens a run (event-model {@code start}).
 *
 * @param uid         unique id of the run (a UUID)
 * @param timestampNs when the run started, ns since the Unix epoch (UTC)
 * @param name        the experiment name, used by file-name templates as {@code {experiment}};
 *                    never empty
 * @param metadata    run-level metadata given at start (values are String, Long, Double or Boolean);
 *                    later changes arrive as {@link MetadataUpdate}s
 */
public record RunStart(String uid, long timestampNs, String name, Map<String, Object> metadata) {
    /** Validates and freezes the document. */
    public RunStart {
        Objects.requireNonNull(uid, "uid");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a run needs a non-empty name");
        }
        metadata = Map.copyOf(metadata);
    }
}
