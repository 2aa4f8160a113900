package org.daqlab.api.run;

import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.StreamSchemas;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class MetadataStateTest {

    private static final StreamDescriptor PM = new StreamDescriptor("power_meter_01", "pm-01", new Schema(List.of(StreamSchemas.timestampField())),
            Map.of("wavelength_nm", 1064L, "model", "PM100"));
    private static final StreamDescriptor CAM = new StreamDescriptor("camera0", "cam0", new Schema(List.of(StreamSchemas.timestampField())), Map.of());

    @Test
    void runAndInstrumentMetadataStandAsChangedAndEachStreamSeesItsChangesInOrder() {
        MetadataState state = new MetadataState(Map.of("operator", "ada", "sample", "A1"));
        MetadataUpdate temperature = new MetadataUpdate(null, "temperature_k", 4.2, 1);
        MetadataUpdate wavelength = new MetadataUpdate("pm-01", "wavelength_nm", 1550L, 2);
        MetadataUpdate exposure = new MetadataUpdate("cam0", "exposure_ms", 5.0, 3);
        MetadataUpdate sample = new MetadataUpdate(null, "sample", "B2", 4);
        List.of(temperature, wavelength, exposure, sample).forEach(state::apply);

        assertEquals(List.of("operator", "sample", "temperature_k"), List.copyOf(state.runMetadata().keySet()), "sorted");
        assertEquals(Map.of("operator", "ada", "sample", "B2", "temperature_k", 4.2), state.runMetadata());
        assertEquals(Map.of("wavelength_nm", 1550L, "model", "PM100"), state.instrumentMetadata(PM));
        assertEquals(Map.of("exposure_ms", 5.0), state.instrumentMetadata(CAM));
        assertEquals(List.of(temperature, wavelength, sample), state.changes(PM));
        assertEquals(List.of(temperature, exposure, sample), state.changes(CAM));
    }

    @Test
    void changesAndTheStopBecomeDocumentsWithTheKeysEveryWriterUses() {
        MetadataState state = new MetadataState(Map.of());
        state.apply(new MetadataUpdate(null, "temperature_k", 4.2, 1_769_351_565_000_000_001L));
        state.apply(new MetadataUpdate("pm-01", "wavelength_nm", 1550L, 1_769_351_566_000_000_000L));

        List<Map<String, Object>> changes = state.changeDocuments(PM);
        assertEquals(2, changes.size());
        assertEquals(List.of("time", "time_ns", "instrument_id", "key", "value"), List.copyOf(changes.get(0).keySet()));
        assertEquals("2026-01-25T14:32:45.000000001Z", changes.get(0).get("time"));
        assertEquals(1_769_351_565_000_000_001L, changes.get(0).get("time_ns"));
        assertNull(changes.get(0).get("instrument_id"), "a run-level change");
        assertEquals(4.2, changes.get(0).get("value"));
        assertEquals("pm-01", changes.get(1).get("instrument_id"));
        assertEquals(1550L, changes.get(1).get("value"));
        assertEquals(1, state.changeDocuments(CAM).size(), "the camera sees the run-level change only");

        RunStop stop = new RunStop("uid", 1_769_351_567_500_000_000L, RunStop.ExitStatus.ABORT, "stopped from the shell", Map.of());
        assertEquals(List.of("time", "time_ns", "exit_status", "reason"), List.copyOf(stop.document().keySet()));
        assertEquals("2026-01-25T14:32:47.500Z", stop.document().get("time"));
        assertEquals("ABORT", stop.document().get("exit_status"));
        assertEquals("stopped from the shell", stop.document().get("reason"));
    }
}
