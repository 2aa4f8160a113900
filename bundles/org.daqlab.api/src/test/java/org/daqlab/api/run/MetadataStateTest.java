package org.daqlab.api.run;

import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.StreamSchemas;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
