package org.daqlab.driver.sim.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.instrument.InstrumentStatus;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.driver.sim.internal.RecordingPublisher.Batch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.daqlab.driver.sim.internal.TestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PowerMeterInstrumentTest {

    private final BufferAllocator allocator = new RootAllocator();
    private final RecordingPublisher publisher = new RecordingPublisher();

    @AfterEach
    void releasesAllMemory() {
        assertTrue(allocator.getChildAllocators().isEmpty(), "the instrument's child allocator is closed");
        assertEquals(0, allocator.getAllocatedMemory());
        allocator.close();
    }

    private static PowerMeterSource source(Map<String, ?> properties) {
        return new PowerMeterSource(config(PowerMeterComponent.Config.class, properties));
    }

    @Test
    void defaultsFollowTheMetatype() {
        PowerMeterSource source = source(Map.of());
        assertEquals("power_meter_01", source.instrumentId());
        assertEquals(10.0, source.sampleRateHz());
        assertEquals(1, source.rowsPerBatch());
        assertEquals(Map.of("wavelength_nm", 1064.0d, "kind", "power meter"), source.descriptor().metadata());
    }

    @Test
    void rejectsOutOfRangeConfiguration() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> source(Map.of("rate_hz", 0.0)))
                .getMessage().startsWith("rate_hz = 0.0 is out of range"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> source(Map.of("batch_rows", 0)))
                .getMessage().startsWith("batch_rows = 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> source(Map.of("instrument_id", "power meter")))
                .getMessage().startsWith("instrument_id 'power meter' is not allowed"));
    }

    @Test
    void describesItsStream() {
        StreamDescriptor descriptor = source(Map.of("instrument_id", "pm1", "wavelength_nm", 532.0)).descriptor();
        assertEquals("pm1", descriptor.stream());
        assertEquals("pm1", descriptor.instrumentId());
        Schema schema = descriptor.schema();
        assertEquals(List.of(StreamSchemas.TIMESTAMP_NS, "power"),
                schema.getFields().stream().map(Field::getName).toList());
        Field power = schema.findField("power");
        assertEquals(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), power.getType());
        assertEquals("W", StreamSchemas.unit(power));
        assertEquals("532.0", schema.getCustomMetadata().get("wavelength_nm"));
        assertEquals("power meter", schema.getCustomMetadata().get("kind"));
        assertEquals("pm1", schema.getCustomMetadata().get(StreamSchemas.INSTRUMENT_ID));
        assertEquals(Map.of("wavelength_nm", 532.0d, "kind", "power meter"), descriptor.metadata());
    }

    @Test
    void publishesReadingsThatFollowTheSignalFormula() throws InterruptedException {
        int rowsPerBatch = 5;
        double rateHz = 2_000;
        SimulatedInstrument instrument = SimulatedInstrument.start(
                source(Map.of("instrument_id", "pm_test", "rate_hz", rateHz, "batch_rows", rowsPerBatch)),
                publisher, allocator);
        RecordingPublisher.RecordingStream stream = publisher.stream();
        List<Batch> batches;
        try {
            batches = stream.awaitBatches(4);
            assertTrue(TestSupport.threadAlive("daqlab-sim-pm_test"));
            assertEquals(SimulatedInstrument.RUNNING, instrument.status().state());
        } finally {
            instrument.stop();
        }

        assertEquals(Map.of("wavelength_nm", 1064.0d), stream.metadata(), "wavelength announced at start");
        PowerMeterSignal signal = new PowerMeterSignal("pm_test");
        long[] firstTimestamp = new long[1];
        for (Batch batch : batches) {
            batch.read(allocator, root -> {
                assertEquals(stream.descriptor().schema(), root.getSchema());
                assertEquals(rowsPerBatch, root.getRowCount());
                BigIntVector timestamps = (BigIntVector) root.getVector(StreamSchemas.TIMESTAMP_NS);
                Float8Vector power = (Float8Vector) root.getVector("power");
                if (batch.publishCall() == 0) {
                    firstTimestamp[0] = timestamps.get(0);
                }
                for (int row = 0; row < rowsPerBatch; row++) {
                    long sample = batch.publishCall() * rowsPerBatch + row;
                    assertEquals(signal.value(sample), power.get(row), "power of sample " + sample);
                    assertEquals(firstTimestamp[0] + Math.round(sample * 1e9 / rateHz), timestamps.get(row),
                            "timestamp of sample " + sample);
                }
            });
        }

        InstrumentStatus status = instrument.status();
        assertEquals(SimulatedInstrument.STOPPED, status.state());
        assertEquals("pm_test", status.id());
        assertEquals("power meter", status.kind());
        assertEquals(List.of("pm_test"), status.streams());
        assertEquals(stream.batchesPublished(), status.batches());
        assertEquals(stream.rowsPublished(), status.rows());
        assertEquals(status.batches() * rowsPerBatch, status.rows());
        assertTrue(status.lastValue().matches("\\d\\.\\d{4} mW"), status.lastValue());
        assertEquals(null, status.lastError());
        assertTrue(stream.isClosed());
        assertFalse(TestSupport.threadAlive("daqlab-sim-pm_test"));
    }
}
