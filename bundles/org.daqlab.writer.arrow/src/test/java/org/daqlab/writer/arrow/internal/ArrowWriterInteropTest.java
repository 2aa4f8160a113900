package org.daqlab.writer.arrow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;
import org.daqlab.api.storage.TestStreams;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes the three instruments' streams through the writer, in both formats and with every codec,
 * and reads each file with the apache-arrow npm package (ZSTD and LZ4 decoders registered): the
 * batches, every value, the types, units, ranges, the frame extension type and the run and
 * instrument metadata must be what was published; metadata changed during the segment must be in
 * the footer (file format) and in the sidecar.
 */
class ArrowWriterInteropTest {

    static final long T0 = 1_769_351_565_123_456_789L;
    static final RunStart RUN = new RunStart("6f1c2a4e-0d7b-4c39-9a53-2f7e8b1d0c55", T0, "wavelength_scan",
            Map.of("operator", "ada", "sample", "Si-7", "temperature_k", 4.2, "repeat", 3L, "dry_run", false));
    static final RunStop STOP = new RunStop(RUN.uid(), T0 + 60_000_000_000L, RunStop.ExitStatus.SUCCESS, "test", Map.of());

    private static final int[] POWER_BATCHES = {1, 7, 300, 1, 45, 2};
    private static final int[] ADC_BATCHES = {1000, 1000, 999};
    private static final int[] CAMERA_BATCHES = {1, 3, 2};

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} format, {1}")
    @CsvSource({"stream, none", "stream, zstd", "stream, lz4_frame", "file, none", "file, zstd", "file, lz4_frame"})
    void apacheArrowJsReadsEveryValueTypeUnitAndMetadata(String format, String compression) throws Exception {
        String extension = format.equals("stream") ? "arrows" : "arrow";
        ArrowStorageWriter writer = TestConfigs.writer(Map.of("format", format, "compression", compression,
                "compression__level", 3));
        TestRunContext context;
        try (BufferAllocator allocator = new RootAllocator()) {
            context = new TestRunContext(dir, RUN, 1, allocator, "arrow-test");
            RunWriter run = writer.open(context);
            run.describe(TestStreams.POWER);
            run.describe(TestStreams.ADC);
            run.describe(TestStreams.CAMERA);
            write(run, TestStreams.POWER, allocator, POWER_BATCHES, 0, 3);
            write(run, TestStreams.ADC, allocator, ADC_BATCHES, 0, 2);
            write(run, TestStreams.CAMERA, allocator, CAMERA_BATCHES, 0, 2);
            run.flush();
            run.metadata(new MetadataUpdate(null, "sample", "Si-8", T0 + 5));
            run.metadata(new MetadataUpdate("pm-01", "wavelength_nm", 1550L, T0 + 6));
            write(run, TestStreams.POWER, allocator, POWER_BATCHES, 3, POWER_BATCHES.length);
            write(run, TestStreams.ADC, allocator, ADC_BATCHES, 2, ADC_BATCHES.length);
            write(run, TestStreams.CAMERA, allocator, CAMERA_BATCHES, 2, CAMERA_BATCHES.length);
            run.close(STOP);
        } finally {
            writer.deactivate();
        }

        List<JsonNode> files = ArrowJs.readAll(List.of(context.path("power_meter_01", extension),
                context.path("adc0", extension), context.path("camera0", extension)), dir);
        for (JsonNode file : files) {
            ArrowJs.ok(file);
            assertEquals(format, file.get("format").asText(), file.get("path") + " is read as the " + format + " format");
        }
        assertStream(files.get(0), TestStreams.POWER, POWER_BATCHES, context, extension);
        assertStream(files.get(1), TestStreams.ADC, ADC_BATCHES, context, extension);
        assertStream(files.get(2), TestStreams.CAMERA, CAMERA_BATCHES, context, extension);

        assertPowerTypes(files.get(0));
        assertAdcTypes(files.get(1));
        assertFrameType(files.get(2));

        JsonNode power = files.get(0);
        assertEquals("power_meter_01", power.get("schema_metadata").get("stream").asText());
        assertEquals("pm-01", power.get("schema_metadata").get("instrument_id").asText());
        assertEquals("P0012345", power.get("schema_metadata").get("serial").asText(), "the driver's schema metadata stays");
        JsonNode runAtOpen = ArrowJs.json(power.get("schema_metadata"), SegmentMetadata.RUN);
        assertRun(runAtOpen, "Si-7");
        JsonNode instrumentAtOpen = ArrowJs.json(power.get("schema_metadata"), SegmentMetadata.INSTRUMENT);
        assertEquals("pm-01", instrumentAtOpen.get("id").asText());
        assertEquals(1064, instrumentAtOpen.get("metadata").get("wavelength_nm").asLong());
        assertTrue(instrumentAtOpen.get("metadata").get("wavelength_nm").isIntegralNumber(), "types are kept");
        assertEquals("PM100D", instrumentAtOpen.get("metadata").get("model").asText());

        // metadata changed during the segment: in the sidecar of every file it concerns, and in the file format's footer
        JsonNode powerSidecar = new ObjectMapper().readTree(context.path("power_meter_01", extension + ".json").toFile());
        assertClosingMetadata(powerSidecar.get("run"), powerSidecar.get("instrument"), powerSidecar.get("metadata_changes"),
                powerSidecar.get("run_stop"), 2);
        assertEquals(context.file("power_meter_01", extension).finalPath().getFileName().toString(),
                powerSidecar.get("arrow_file").asText());
        JsonNode adcSidecar = new ObjectMapper().readTree(context.path("adc0", extension + ".json").toFile());
        assertEquals(1, adcSidecar.get("metadata_changes").size(), "the ADC sees the run-level change only");
        if (format.equals("file")) {
            JsonNode footer = power.get("footer_metadata");
            assertClosingMetadata(ArrowJs.json(footer, SegmentMetadata.RUN), ArrowJs.json(footer, SegmentMetadata.INSTRUMENT),
                    ArrowJs.json(footer, SegmentMetadata.CHANGES), ArrowJs.json(footer, SegmentMetadata.STOP), 2);
        } else {
            assertTrue(power.get("footer_metadata").isNull(), "a stream has no footer");
        }
    }

    private static void write(RunWriter run, StreamDescriptor stream, BufferAllocator allocator, int[] sizes, int from, int to)
            throws Exception {
        long first = 0;
        for (int i = 0; i < from; i++) {
            first += sizes[i];
        }
        for (int i = from; i < to; i++) {
            try (VectorSchemaRoot batch = TestStreams.batch(stream, allocator, first, sizes[i])) {
                run.write(stream.stream(), batch);
            }
            first += sizes[i];
        }
    }

    private static void assertStream(JsonNode file, StreamDescriptor stream, int[] sizes, TestRunContext context,
            String extension) {
        List<Integer> expected = java.util.Arrays.stream(sizes).boxed().toList();
        assertEquals(expected, ArrowJs.batchRows(file), file.get("path") + ": one batch per batch written");
        long rows = ArrowJs.assertRows(file, TestStreams.expected(stream), 0);
        assertEquals(rows, context.file(stream.stream(), extension).rows(), "rows reported to the core");
    }

    private static void assertPowerTypes(JsonNode file) {
        Map<String, String> types = Map.ofEntries(Map.entry("timestamp_ns", "Int64"), Map.entry("power", "Float64"),
                Map.entry("note", "Utf8"), Map.entry("ok", "Bool"), Map.entry("i8", "Int8"), Map.entry("i16", "Int16"),
                Map.entry("i32", "Int32"), Map.entry("i64", "Int64"), Map.entry("u8", "Uint8"), Map.entry("u16", "Uint16"),
                Map.entry("u32", "Uint32"), Map.entry("u64", "Uint64"), Map.entry("f16", "Float16"),
                Map.entry("f32", "Float32"), Map.entry("at", "Timestamp<NANOSECOND, UTC>"),
                Map.entry("at_us", "Timestamp<MICROSECOND>"));
        types.forEach((name, type) -> assertEquals(type, ArrowJs.field(file, name).get("type").asText(), name));
        assertTrue(ArrowJs.field(file, "power").get("nullable").asBoolean(), "power is nullable");
        assertFalse(ArrowJs.field(file, "timestamp_ns").get("nullable").asBoolean(), "timestamp_ns is not");
        assertEquals("W", ArrowJs.field(file, "power").get("metadata").get("unit").asText());
        assertEquals("dBm", ArrowJs.field(file, "f32").get("metadata").get("unit").asText());
    }

    private static void assertAdcTypes(JsonNode file) {
        for (int c = 0; c < TestStreams.CHANNELS; c++) {
            JsonNode field = ArrowJs.field(file, "ch" + c);
            assertEquals("Float64", field.get("type").asText());
            assertEquals("V", field.get("metadata").get("unit").asText());
            assertEquals(-(c + 1), Double.parseDouble(field.get("metadata").get("range_min").asText()));
            assertEquals(c + 1, Double.parseDouble(field.get("metadata").get("range_max").asText()));
        }
    }

    private static void assertFrameType(JsonNode file) {
        JsonNode frame = ArrowJs.field(file, "frame");
        assertEquals("FixedSizeList[" + TestStreams.HEIGHT * TestStreams.WIDTH + "]<Uint16>", frame.get("type").asText());
        assertEquals("arrow.fixed_shape_tensor", frame.get("metadata").get("ARROW:extension:name").asText());
        assertEquals("{\"shape\":[" + TestStreams.HEIGHT + "," + TestStreams.WIDTH + "]}",
                frame.get("metadata").get("ARROW:extension:metadata").asText());
        assertEquals("Uint16", frame.get("children").get(0).get("type").asText());
    }

    private static void assertRun(JsonNode run, String sample) {
        assertEquals(RUN.uid(), run.get("uid").asText());
        assertEquals(RUN.name(), run.get("name").asText());
        assertEquals(Long.toString(T0), run.get("start_time_ns").asText());
        assertEquals("2026-01-25T14:32:45.123456789Z", run.get("start_time").asText());
        assertEquals(1, run.get("segment").asInt());
        assertEquals("arrow-test", run.get("writer").asText());
        JsonNode metadata = run.get("metadata");
        assertEquals("ada", metadata.get("operator").asText());
        assertEquals(sample, metadata.get("sample").asText());
        assertEquals(4.2, metadata.get("temperature_k").asDouble());
        assertEquals(3, metadata.get("repeat").asLong());
        assertTrue(metadata.get("dry_run").isBoolean() && !metadata.get("dry_run").asBoolean());
    }

    private static void assertClosingMetadata(JsonNode run, JsonNode instrument, JsonNode changes, JsonNode stop,
            int changeCount) {
        assertRun(run, "Si-8");
        assertEquals(1550, instrument.get("metadata").get("wavelength_nm").asLong());
        assertEquals(changeCount, changes.size(), "changes: " + changes);
        assertEquals("sample", changes.get(0).get("key").asText());
        assertTrue(changes.get(0).get("instrument_id").isNull(), "a run-level change");
        assertEquals(Long.toString(T0 + 5), changes.get(0).get("time_ns").asText());
        assertEquals("pm-01", changes.get(1).get("instrument_id").asText());
        assertEquals(1550, changes.get(1).get("value").asLong());
        assertEquals("SUCCESS", stop.get("exit_status").asText());
    }
}
