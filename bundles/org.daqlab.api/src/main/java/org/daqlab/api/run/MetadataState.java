package org.daqlab.api.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Run and instrument metadata as they stand during one segment, and the changes that led there:
 * what a writer needs to describe a file's metadata at any point (sidecars, footers, key-value
 * metadata). Starts from the run's metadata when the segment opened; instrument metadata starts
 * from each stream's descriptor. Not thread-safe: a writer uses it from its runner thread.
 */
public final class MetadataState {

    /** Sorted, so that documents list keys in a stable order. */
    private final Map<String, Object> runMetadata;
    /** Instrument metadata set during this segment, by instrument id; newer than any descriptor. */
    private final Map<String, Map<String, Object>> instrumentChanges = new HashMap<>();
    /** Every change during this segment, in order, so that rows can be matched to settings by time. */
    private final List<MetadataUpdate> changes = new ArrayList<>();

    /** @param runMetadata the run's metadata when the segment opened */
    public MetadataState(Map<String, Object> runMetadata) {
        this.runMetadata = new TreeMap<>(runMetadata);
    }

    /** Records a change. */
    public void apply(MetadataUpdate update) {
        if (update.isRunLevel()) {
            runMetadata.put(update.key(), update.value());
        } else {
            instrumentChanges.computeIfAbsent(update.instrumentId(), id -> new HashMap<>()).put(update.key(), update.value());
        }
        changes.add(update);
    }

    /** The run's metadata as it stands, keys sorted. */
    public Map<String, Object> runMetadata() {
        return Collections.unmodifiableMap(runMetadata);
    }

    /** The metadata of {@code descriptor}'s instrument as it stands (its descriptor's, then changes), keys sorted. */
    public Map<String, Object> instrumentMetadata(StreamDescriptor descriptor) {
        Map<String, Object> metadata = new TreeMap<>(descriptor.metadata());
        metadata.putAll(instrumentChanges.getOrDefault(descriptor.instrumentId(), Map.of()));
        return metadata;
    }

    /** The changes that concern {@code descriptor}'s stream (run-level ones and its instrument's), in order. */
    public List<MetadataUpdate> changes(StreamDescriptor descriptor) {
        return changes.stream().filter(c -> concerns(c, descriptor)).toList();
    }

    /**
     * {@link #changes} as plain documents for a writer's JSON, the same keys in every format:
     * {@code time} (ISO 8601 UTC with nanoseconds), {@code time_ns}, {@code instrument_id} (null for a
     * run-level change), {@code key}, {@code value}.
     */
    public List<Map<String, Object>> changeDocuments(StreamDescriptor descriptor) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (MetadataUpdate change : changes(descriptor)) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("time", Instant.ofEpochSecond(0, change.timestampNs()).toString());
            document.put("time_ns", change.timestampNs());
            document.put("instrument_id", change.instrumentId());
            document.put("key", change.key());
            document.put("value", change.value());
            documents.add(document);
        }
        return documents;
    }

    /** Whether {@code update} concerns the files of {@code descriptor}'s stream. */
    public static boolean concerns(MetadataUpdate update, StreamDescriptor descriptor) {
        return update.isRunLevel() || update.instrumentId().equals(descriptor.instrumentId());
    }
}
