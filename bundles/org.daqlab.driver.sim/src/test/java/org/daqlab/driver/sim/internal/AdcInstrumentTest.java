package org.daqlab.driver.sim.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.driver.sim.internal.RecordingPublisher.Batch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.daqlab.driver.sim.internal.TestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdcInstrumentTest {

    private final BufferAllocator allocator = new RootAllocator();
    private final RecordingPublisher publisher = new RecordingPublisher();

    @AfterEach
    void releasesAllMemory() {
        assertTrue(allocator.getChildAllocators().isEmpty(), "the instrument's child allocator is closed");
        assertEquals(0, allocator.getAllocatedMemory());
        allocator.close();
    }

    private static AdcSource source(Map<String, ?> properties) {
        return new AdcSource(config(AdcComponent.Config.class, properties));
    }

    @Test
    void defaultsFollowTheMetatype() {
        AdcSource source = source(Map.of());
        assertEquals("adc0", source.instrumentId());
        assertEquals(10_000.0, source.sampleRateHz());
        assertEquals(1000, source.rowsPerBatch());
        assertEquals(List.of(StreamSchemas.TIMESTAMP_NS, "ch0", "ch1", "ch2", "ch3"),
                source.descriptor().schema().getFields().stream().map(Field::getName).toList());
        assertEquals("-10.0", source.descriptor().schema().findField("ch0").getMetadata().get(StreamSchemas.RANGE_MIN));
    }

    @Test
    void rejectsOutOfRangeConfiguration() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> source(Map.of("channels", 65)))
                .getMessage().startsWith("channels = 65 is out of range: use 1 to 64"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> source(Map.of("sample_rate_hz", 1.0)))
                .getMessage().startsWith("sample_rate_hz = 1.0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> source(Map.of("range_v", 0.0)))
                .getMessage().startsWith("range_v = 0.0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> source(Map.of("noise", -1.0)))
                .getMessage().startsWith("noise = -1.0"));
    }

    @Test
    void describesOneColumnPerChannelWithUnitAndRange() {
        StreamDescriptor descriptor = source(Map.of("instrument_id", "adc7", "channels", 2, "range_v", 5.0,
                "sample_rate_hz", 20_000.0)).descriptor();
        Schema schema = descriptor.schema();
        assertEquals(List.of(StreamSchemas.TIMESTAMP_NS, "ch0", "ch1"),
                schema.getFields().stream().map(Field::getName).toList());
        for (String channel : List.of("ch0", "ch1")) {
            Field field = schema.findField(channel);
            assertEquals(Map.of(StreamSchemas.UNIT, "V", StreamSchemas.RANGE_MIN, "-5.0", StreamSchemas.RANGE_MAX, "5.0"),
                    field.getMetadata());
            assertEquals(StreamSchemas.float64(channel, "V", -5, 5), field);
        }
        assertEquals("ADC", schema.getCustomMetadata().get("kind"));
        assertEquals("adc7", schema.getCustomMetadata().get(StreamSchemas.STREAM));
        assertEquals(2L, descriptor.metadata().get("channels"));
        assertEquals(20_000.0, descriptor.metadata().get("sample_rate_hz"));
    }

    @Test
    void publishesWideBatchesThatFollowTheSignalFormula() throws InterruptedException {
        int channels = 3;
        int rowsPerBatch = 200;
        double sampleRateHz = 100_000;
        SimulatedInstrument instrument = SimulatedInstrument.start(source(Map.of("instrument_id", "adc_test",
                "channels", channels, "sample_rate_hz", sampleRateHz, "batch_rows", rowsPerBatch,
                "signal_hz", 1_000.0, "noise", 0.5, "range_v", 2.0)), publisher, allocator);
        RecordingPublisher.RecordingStream stream = publisher.stream();
        List<Batch> batches;
        try {
            batches = stream.awaitBatches(3);
        } finally {
            instrument.stop();
        }

        AdcSignal signal = new AdcSignal("adc_test", channels, sampleRateHz, 1_000, 0.5, 2);
        for (Batch batch : batches) {
            batch.read(allocator, root -> {
                assertEquals(rowsPerBatch, root.getRowCount());
                BigIntVector timestamps = (BigIntVector) root.getVector(StreamSchemas.TIMESTAMP_NS);
                long firstSample = batch.publishCall() * rowsPerBatch;
                for (int row = 0; row < rowsPerBatch; row++) {
                    // 100 kHz: exactly 10 µs between samples
                    assertEquals(10_000L * row, timestamps.get(row) - timestamps.get(0));
                }
                for (int channel = 0; channel < channels; channel++) {
                    Float8Vector column = (Float8Vector) root.getVector("ch" + channel);
                    assertEquals(0, column.getNullCount());
                    for (int row = 0; row < rowsPerBatch; row++) {
                        double volts = column.get(row);
                        assertEquals(signal.value(firstSample + row, channel), volts);
                        assertTrue(volts >= -2 && volts <= 2, "within the input range: " + volts);
                    }
                }
            });
        }
        assertTrue(instrument.status().lastValue().matches("ch0 -?\\d\\.\\d{4} V"), instrument.status().lastValue());
    }
}
