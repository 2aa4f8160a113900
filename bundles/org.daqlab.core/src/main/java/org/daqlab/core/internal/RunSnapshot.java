package org.daqlab.core.internal;

import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.StreamDescriptor;

import java.util.Map;

/**
 * What a runner that joins late needs to know: the state the ring's documents had built up to the
 * position where its reader starts. Taken under the core's document lock together with opening the
 * reader, so nothing falls between the two.
 *
 * @param run                the active run, or {@code null}
 * @param runMetadata        current run-level metadata
 * @param streams            open streams by stream id
 * @param instrumentMetadata current metadata per instrument
 */
record RunSnapshot(RunStart run, Map<String, Object> runMetadata, Map<Integer, StreamDescriptor> streams,
        Map<String, Map<String, Object>> instrumentMetadata) {
}
