package org.daqlab.writer.parquet.internal;

import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.daqlab.api.data.FixedShapeTensorType;
import org.daqlab.api.data.FixedShapeTensorVector;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.StreamDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes the three simulated instruments' streams through the real writer and reads every file with
 * hyparquet and DuckDB: every value of every row, the Parquet types and logical types, the Arrow
 * schema under {@code ARROW:schema} (decoded with apache-arrow), and the run and instrument metadata.
 */
class ParquetRunWriterTest {

    private static final JsonMapper JSON = new JsonMapper();

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(ParquetCompression.class)
    void everyCodecGivesFilesThatHyparquetAndDuckdbReadValueForValue(ParquetCompression codec) throws Exception {
        try (LiveSegment live = new LiveSegment(dir, Map.of("compression", codec.option()),
                TestBatches.POWER, TestBatches.ADC, TestBatches.CAMERA)) {
            live.power(0, 700);
            live.adc(0, 1300);
            live.camera(0, 5);
            live.run.flush();
            live.power(700, 700);
            live.run.metadata(new MetadataUpdate(null, "sample", "Si-8", TestBatches.T0 + 5));
            live.run.metadata(new MetadataUpdate("pm-01", "wavelength_nm", 1550L, TestBatches.T0 + 6));
            live.adc(1300, 1300);
            live.camera(5, 7);
            live.close();

            for (Map<String, Object> read : List.of(NodeReaders.hyparquet(live.file("power_meter_01")),
                    NodeReaders.duckdb(live.file("power_meter_01")))) {
                Readback power = new Readback(read, "power_meter_01 " + codec);
                assertEquals(1400, power.rows());
                power.assertPower(0, 1400, 0);
                assertMetadata(read, "power_meter_01", 1400);
            }
            for (Map<String, Object> read : List.of(NodeReaders.hyparquet(live.file("adc0")), NodeReaders.duckdb(live.file("adc0")))) {
                Readback adc = new Readback(read, "adc0 " + codec);
                assertEquals(2600, adc.rows());
                adc.assertAdc(0, 2600, 0);
            }
            for (Map<String, Object> read : List.of(NodeReaders.hyparquet(live.file("camera0")), NodeReaders.duckdb(live.file("camera0")))) {
                Readback camera = new Readback(read, "camera0 " + codec);
                assertEquals(12, camera.rows());
                camera.assertCamera(0, 12, 0);
            }
            Map<String, Object> footer = NodeReaders.hyparquet(live.file("adc0"));
            for (Map<String, Object> group : rowGroups(footer)) {
                for (Map<String, Object> chunk : chunks(group)) {
                    assertEquals(codec.parquet.name(), chunk.get("codec"), "codec of " + chunk.get("path"));
                }
            }
        }
    }

    @Test
    void parquetTypesAreTheArrowTypesWithTheirLogicalTypes() throws Exception {
        try (LiveSegment live = new LiveSegment(dir, Map.of(), TestBatches.POWER, TestBatches.CAMERA)) {
            live.power(0, 10);
            live.camera(0, 2);
            live.close();
            Map<String, Object> power = NodeReaders.hyparquet(live.file("power_meter_01"));
            assertLogical(power, "timestamp_ns", "INT64", "REQUIRED", Map.of("type", "TIMESTAMP", "isAdjustedToUTC", true, "unit", "NANOS"));
            assertLogical(power, "power", "DOUBLE", "OPTIONAL", null);
            assertLogical(power, "note", "BYTE_ARRAY", "REQUIRED", Map.of("type", "STRING"));
            assertLogical(power, "label", "BYTE_ARRAY", "OPTIONAL", Map.of("type", "STRING"));
            assertLogical(power, "ok", "BOOLEAN", "REQUIRED", null);
            for (String[] spec : new String[][] {{"i8", "8", "true"}, {"u8", "8", "false"}, {"i16", "16", "true"},
                    {"u16", "16", "false"}, {"i32", "32", "true"}, {"u32", "32", "false"}}) {
                assertLogical(power, spec[0], "INT32", "REQUIRED",
                        Map.of("type", "INTEGER", "bitWidth", Integer.parseInt(spec[1]), "isSigned", Boolean.parseBoolean(spec[2])));
            }
            assertLogical(power, "i64", "INT64", "REQUIRED", Map.of("type", "INTEGER", "bitWidth", 64, "isSigned", true));
            assertLogical(power, "u64", "INT64", "REQUIRED", Map.of("type", "INTEGER", "bitWidth", 64, "isSigned", false));
            assertLogical(power, "half", "FIXED_LEN_BYTE_ARRAY", "REQUIRED", Map.of("type", "FLOAT16"));
            assertEquals(2, element(power, "half").get("type_length"));
            assertLogical(power, "f32", "FLOAT", "REQUIRED", null);
            assertLogical(power, "at", "INT64", "REQUIRED", Map.of("type", "TIMESTAMP", "isAdjustedToUTC", true, "unit", "NANOS"));
            assertLogical(power, "local_ms", "INT64", "REQUIRED", Map.of("type", "TIMESTAMP", "isAdjustedToUTC", false, "unit", "MILLIS"));

            Map<String, Object> camera = NodeReaders.hyparquet(live.file("camera0"));
            assertLogical(camera, "frame", null, "REQUIRED", Map.of("type", "LIST"));
            assertLogical(camera, "element", "INT32", "OPTIONAL", Map.of("type", "INTEGER", "bitWidth", 16, "isSigned", false));

            Map<String, Object> types = map(NodeReaders.duckdb(live.file("power_meter_01")).get("types"));
            assertEquals(Map.ofEntries(Map.entry("timestamp_ns", "TIMESTAMP WITH TIME ZONE"), Map.entry("power", "DOUBLE"),
                    Map.entry("note", "VARCHAR"), Map.entry("label", "VARCHAR"), Map.entry("ok", "BOOLEAN"),
                    Map.entry("i8", "TINYINT"), Map.entry("u8", "UTINYINT"), Map.entry("i16", "SMALLINT"),
                    Map.entry("u16", "USMALLINT"), Map.entry("i32", "INTEGER"), Map.entry("u32", "UINTEGER"),
                    Map.entry("i64", "BIGINT"), Map.entry("u64", "UBIGINT"), Map.entry("half", "FLOAT"), Map.entry("f32", "FLOAT"),
                    Map.entry("at", "TIMESTAMP WITH TIME ZONE"), Map.entry("local_ms", "TIMESTAMP")), types);
            assertEquals("USMALLINT[]", map(NodeReaders.duckdb(live.file("camera0")).get("types")).get("frame"));
        }
    }

    /** What pyarrow reads to give back the exact Arrow types: the schema message under ARROW:schema. */
    @Test
    void arrowSchemaKeyHoldsTheStreamSchemaAsArrowEncodesIt() throws Exception {
        try (LiveSegment live = new LiveSegment(dir, Map.of(), TestBatches.POWER, TestBatches.ADC, TestBatches.CAMERA)) {
            live.power(0, 3);
            live.adc(0, 3);
            live.camera(0, 1);
            live.close();

            Map<String, Object> power = map(NodeReaders.hyparquet(live.file("power_meter_01")).get("arrow_schema"));
            assertEquals(true, power.get("continuation"), "an encapsulated message starts with the continuation marker");
            assertEquals(1, power.get("headerType"), "the message is a Schema");
            List<Map<String, Object>> fields = list(power.get("fields"));
            assertEquals(List.of("timestamp_ns", "power", "note", "label", "ok", "i8", "u8", "i16", "u16", "i32", "u32", "i64",
                    "u64", "half", "f32", "at", "local_ms"), fields.stream().map(f -> f.get("name")).toList(),
                    "every written column, and not the unsupported spectrum");
            assertEquals(List.of("Timestamp<NANOSECOND, UTC>", "Float64", "Utf8", "Utf8", "Bool", "Int8", "Uint8", "Int16",
                    "Uint16", "Int32", "Uint32", "Int64", "Uint64", "Float16", "Float32", "Timestamp<NANOSECOND, UTC>",
                    "Timestamp<MILLISECOND>"), fields.stream().map(f -> f.get("type")).toList());
            assertEquals(Map.of("unit", "W"), fields.get(1).get("metadata"));
            assertEquals(true, fields.get(1).get("nullable"));
            Map<String, Object> schemaMetadata = map(power.get("metadata"));
            assertEquals("PM100D", schemaMetadata.get("model"));
            assertEquals("pm-01", schemaMetadata.get("instrument_id"));
            assertEquals("wavelength_scan", JSON.readTree((String) schemaMetadata.get("daqlab")).at("/run/name").asText(),
                    "pyarrow shows the schema's metadata on a table: the run document is there too");

            List<Map<String, Object>> adc = list(map(NodeReaders.hyparquet(live.file("adc0")).get("arrow_schema")).get("fields"));
            assertEquals(Map.of("unit", "V", "range_min", "-9.0", "range_max", "11.0"), adc.get(2).get("metadata"));

            List<Map<String, Object>> camera = list(map(NodeReaders.hyparquet(live.file("camera0")).get("arrow_schema")).get("fields"));
            Map<String, Object> frame = camera.get(2);
            assertEquals("FixedSizeList[48]<Uint16>", frame.get("type"));
            assertEquals(Map.of("ARROW:extension:name", "arrow.fixed_shape_tensor", "ARROW:extension:metadata", "{\"shape\":[6,8]}"),
                    frame.get("metadata"));
        }
    }

    @Test
    void unsupportedColumnIsReportedOnceNamingStreamColumnAndTypeAndTheRestIsWritten() throws Exception {
        try (LiveSegment live = new LiveSegment(dir, Map.of(), TestBatches.POWER)) {
            live.power(0, 20);
            live.run.describe(TestBatches.POWER); // described again (as after a metadata change): no second notice
            live.power(20, 20);
            live.close();
            List<String> notices = live.context.notices;
            assertEquals(1, notices.size(), "one notice: " + notices);
            assertTrue(notices.get(0).contains("'power_meter_01'") && notices.get(0).contains("'spectrum'")
                    && notices.get(0).contains("List"), notices.get(0));
            Map<String, Object> read = NodeReaders.hyparquet(live.file("power_meter_01"));
            assertFalse(map(read.get("columns")).containsKey("spectrum"));
            new Readback(read, "power").assertPower(0, 40, 0);
            List<Map<String, Object>> skipped = list(map(JSON.readValue((String) map(read.get("key_value")).get("daqlab"), Map.class))
                    .get("skipped_columns"));
            assertEquals("spectrum", skipped.get(0).get("name"));
        }
    }

    @Test
    void byteStreamSplitEncodesFloatColumnsAndReadersDecodeThem() throws Exception {
        try (LiveSegment live = new LiveSegment(dir, Map.of("byte__stream__split", true), TestBatches.POWER, TestBatches.ADC)) {
            live.power(0, 500);
            live.adc(0, 3000);
            live.close();
            Map<String, Object> adc = NodeReaders.hyparquet(live.file("adc0"));
            for (Map<String, Object> chunk : chunks(rowGroups(adc).get(0))) {
                List<Object> encodings = list(chunk.get("encodings"));
                assertEquals(!chunk.get("path").equals("timestamp_ns"), encodings.contains("BYTE_STREAM_SPLIT"),
                        chunk.get("path") + ": " + encodings);
            }
            new Readback(adc, "adc0").assertAdc(0, 3000, 0);
            new Readback(NodeReaders.duckdb(live.file("adc0")), "adc0").assertAdc(0, 3000, 0);
            new Readback(NodeReaders.hyparquet(live.file("power_meter_01")), "power").assertPower(0, 500, 0);
            new Readback(NodeReaders.duckdb(live.file("power_meter_01")), "power").assertPower(0, 500, 0);
        }
    }

    /** Row groups and pages far smaller than the data: boundaries inside batches and inside frame runs. */
    @Test
    void smallRowGroupsAndPagesSplitTheDataWhereverTheyFall() throws Exception {
        try (LiveSegment live = new LiveSegment(dir, Map.of("row__group__mb", 1, "page__kb", 1),
                TestBatches.ADC, TestBatches.CAMERA)) {
            for (int b = 0; b < 6; b++) {
                live.adc(b * 5000L, 5000);
                live.camera(b * 300L, 300);
            }
            live.close();
            Map<String, Object> adc = NodeReaders.hyparquet(live.file("adc0"));
            assertTrue(rowGroups(adc).size() >= 3, "row groups: " + rowGroups(adc).size());
            new Readback(adc, "adc0").assertAdc(0, 30_000, 0);
            new Readback(NodeReaders.duckdb(live.file("camera0")), "camera0").assertCamera(0, 1800, 0);
            new Readback(NodeReaders.hyparquet(live.file("camera0")), "camera0").assertCamera(0, 1800, 0);
        }
    }

    /**
     * The identity dictionary of 16-bit frames ends at the power of two above the pixels' bits: 4096
     * entries (16 KiB as PLAIN INT32) for a 12-bit camera, 65536 for pixels that use all 16 bits.
     */
    @Test
    void frameDictionaryCoversTheBitsThePixelsUse() throws Exception {
        try (LiveSegment live = new LiveSegment(dir.resolve("full"), Map.of("compression", "uncompressed"), TestBatches.CAMERA)) {
            live.camera(0, 20);
            live.close();
            assertEquals(65536 * 4, dictionaryPageBytes(NodeReaders.hyparquet(live.file("camera0"))), 64);
        }
        try (LiveSegment live = new LiveSegment(dir.resolve("12bit"), Map.of("compression", "uncompressed"), TestBatches.CAMERA)) {
            VectorSchemaRoot frames = TestBatches.camera(live.allocator, 0, 20);
            FieldVector pixels = ((FixedShapeTensorVector) frames.getVector("frame")).pixelVector();
            for (int i = 0; i < pixels.getValueCount(); i++) {
                ((org.apache.arrow.vector.UInt2Vector) pixels).set(i, (i * 37) & 0xFFF);
            }
            live.write("camera0", frames);
            live.close();
            Map<String, Object> read = NodeReaders.hyparquet(live.file("camera0"));
            assertEquals(4096 * 4, dictionaryPageBytes(read), 64);
            Map<String, Object> frame = map(new Readback(read, "12-bit").column("frame").get(19));
            assertEquals((long) (19 * 48 * 37) & 0xFFF, Long.parseLong(String.valueOf(list(frame.get("head")).get(0))));
        }
    }

    /** Bytes from the frame column's dictionary page to its first data page: the page's header and values. */
    private static long dictionaryPageBytes(Map<String, Object> read) {
        Map<String, Object> frame = chunks(rowGroups(read).get(0)).stream().filter(c -> c.get("path").equals("frame.list.element"))
                .findFirst().orElseThrow();
        return Long.parseLong(String.valueOf(frame.get("data_page_offset"))) - Long.parseLong(String.valueOf(frame.get("dictionary_page_offset")));
    }

    /** uint8 frames that may be null: definition levels mark the missing frames. */
    @Test
    void nullableUint8FramesKeepTheirNulls() throws Exception {
        StreamDescriptor gray = new StreamDescriptor("gray", "cam1", StreamSchemas.schema("gray", "cam1", List.of(
                new Field("frame", FieldType.nullable(new FixedShapeTensorType(new long[] {3, 5})),
                        List.of(new Field("item", FieldType.notNullable(new ArrowType.Int(8, false)), null)))), Map.of()), Map.of());
        try (LiveSegment live = new LiveSegment(dir, Map.of("page__kb", 1), gray)) {
            live.write("gray", grayFrames(live.allocator, gray, 0, 400));
            live.close();
            for (Map<String, Object> read : List.of(NodeReaders.hyparquet(live.file("gray")), NodeReaders.duckdb(live.file("gray")))) {
                List<Object> frames = new Readback(read, "gray").column("frame");
                assertEquals(400, frames.size());
                for (int i = 0; i < 400; i++) {
                    if (i % 3 == 1) {
                        assertNull(frames.get(i), read.get("reader") + " frame " + i);
                    } else {
                        Map<String, Object> f = map(frames.get(i));
                        assertEquals(15, ((Number) f.get("n")).intValue());
                        long sum = 0;
                        for (int p = 0; p < 15; p++) {
                            sum += (i + p) & 0xFF;
                        }
                        assertEquals(Long.toString(sum), f.get("sum"), read.get("reader") + " frame " + i);
                    }
                }
            }
        }
    }

    private static VectorSchemaRoot grayFrames(BufferAllocator allocator, StreamDescriptor gray, int first, int count) {
        VectorSchemaRoot root = VectorSchemaRoot.create(gray.schema(), allocator);
        root.allocateNew();
        FixedShapeTensorVector tensor = (FixedShapeTensorVector) root.getVector("frame");
        FixedSizeListVector list = (FixedSizeListVector) tensor.getUnderlyingVector();
        FieldVector pixels = tensor.pixelVector();
        list.setValueCount(count);
        for (int i = 0; i < count; i++) {
            ((BigIntVector) root.getVector(0)).setSafe(i, TestBatches.timestamp(first + i));
            if ((first + i) % 3 == 1) {
                list.setNull(i);
            } else {
                list.setNotNull(i);
            }
            for (int p = 0; p < 15; p++) {
                ((UInt1Vector) pixels).setSafe(i * 15 + p, (first + i + p) & 0xFF);
            }
        }
        root.setRowCount(count);
        return root;
    }

    @Test
    void streamThatChangesItsColumnsContinuesInAFileOfItsOwn() throws Exception {
        StreamDescriptor wider = new StreamDescriptor("adc0", "adc0", StreamSchemas.schema("adc0", "adc0",
                List.of(StreamSchemas.float64("ch0", "V")), Map.of()), Map.of());
        try (LiveSegment live = new LiveSegment(dir, Map.of(), TestBatches.ADC)) {
            live.adc(0, 100);
            live.run.describe(wider);
            VectorSchemaRoot batch = VectorSchemaRoot.create(wider.schema(), live.allocator);
            batch.allocateNew();
            for (int i = 0; i < 10; i++) {
                ((BigIntVector) batch.getVector(0)).setSafe(i, TestBatches.timestamp(100 + i));
                ((org.apache.arrow.vector.Float8Vector) batch.getVector(1)).setSafe(i, i * 2.0);
            }
            batch.setRowCount(10);
            live.write("adc0", batch);
            live.close();
            assertTrue(live.context.notices.stream().anyMatch(n -> n.contains("adc0.schema2")), live.context.notices.toString());
            new Readback(NodeReaders.hyparquet(live.file("adc0")), "adc0").assertAdc(0, 100, 0);
            Map<String, Object> second = NodeReaders.hyparquet(live.file("adc0.schema2"));
            assertEquals(10, new Readback(second, "adc0.schema2").rows());
            assertEquals(18.0, ((Number) new Readback(second, "adc0.schema2").column("ch0").get(9)).doubleValue());
        }
    }

    @Test
    void streamWithoutRowsGivesAValidEmptyFile() throws Exception {
        try (LiveSegment live = new LiveSegment(dir, Map.of(), TestBatches.ADC)) {
            live.close();
            Map<String, Object> read = NodeReaders.hyparquet(live.file("adc0"));
            assertEquals(0, new Readback(read, "adc0").rows());
            assertEquals(17, list(read.get("schema")).size() - 1);
            assertTrue(Files.size(live.file("adc0")) > 12, "magic, footer, length, magic");
        }
    }

    @SuppressWarnings("unchecked")
    private static void assertMetadata(Map<String, Object> read, String stream, long rows) throws Exception {
        Map<String, Object> doc = JSON.readValue((String) map(read.get("key_value")).get("daqlab"), Map.class);
        assertEquals(stream, doc.get("stream"));
        Map<String, Object> run = map(doc.get("run"));
        assertEquals(TestBatches.RUN.uid(), run.get("uid"));
        assertEquals("wavelength_scan", run.get("name"));
        assertEquals(Map.of("operator", "ada", "sample", "Si-8"), run.get("metadata"), "the metadata as it stood at close");
        assertEquals(Map.of("model", "PM100D", "wavelength_nm", 1550), doc.get("instrument_metadata"));
        List<Map<String, Object>> changes = list(doc.get("metadata_changes"));
        assertEquals(List.of("sample", "wavelength_nm"), changes.stream().map(c -> c.get("key")).toList());
        assertEquals(rows, ((Number) doc.get("rows_written")).longValue());
        assertEquals("SUCCESS", map(doc.get("run_stop")).get("exit_status"));
        Map<String, Object> power = ParquetRunWriterTest.<Map<String, Object>>list(doc.get("columns")).stream().filter(c -> "power".equals(c.get("name"))).findFirst().orElseThrow();
        assertEquals("W", power.get("unit"));
    }

    private static void assertLogical(Map<String, Object> read, String column, String physical, String repetition,
            Map<String, Object> logical) {
        Map<String, Object> element = element(read, column);
        assertEquals(physical, element.get("type"), column + " physical type");
        assertEquals(repetition, element.get("repetition_type"), column + " repetition");
        assertEquals(logical, element.get("logical_type"), column + " logical type");
    }

    private static Map<String, Object> element(Map<String, Object> read, String column) {
        return ParquetRunWriterTest.<Map<String, Object>>list(read.get("schema")).stream()
                .filter(e -> column.equals(e.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no schema element " + column));
    }

    static List<Map<String, Object>> rowGroups(Map<String, Object> read) {
        return list(read.get("row_groups"));
    }

    static List<Map<String, Object>> chunks(Map<String, Object> rowGroup) {
        return list(rowGroup.get("columns"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static <T> List<T> list(Object o) {
        return (List<T>) o;
    }
}
