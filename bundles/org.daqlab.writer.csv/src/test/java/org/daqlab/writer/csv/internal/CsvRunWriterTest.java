package org.daqlab.writer.csv.internal;

import org.daqlab.api.storage.TestRunContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.DurationVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampNanoTZVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ViewVarCharVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.extension.UuidType;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.FixedShapeTensorVector;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the CSV writer against a stand-in for the core with real Arrow batches, then reads the
 * files back with Python's csv module and Jackson and checks every value.
 */
class CsvRunWriterTest {

    /** 2026-01-25T14:32:45.123456789Z */
    private static final long T0 = 1_769_351_565_123_456_789L;
    private static final RunStart RUN = new RunStart("6f1c2a4e-0d7b-4c39-9a53-2f7e8b1d0c55", T0, "wavelength_scan",
            Map.of("operator", "ada", "sample", "Si-7"));
    private static final RunStop STOP = new RunStop(RUN.uid(), T0 + 60_000_000_000L, RunStop.ExitStatus.SUCCESS,
            "stopped from the shell", Map.of());

    private static final StreamDescriptor POWER = new StreamDescriptor("power_meter_01", "pm-01",
            StreamSchemas.schema("power_meter_01", "pm-01",
                    List.of(StreamSchemas.float64("power", "W"), StreamSchemas.utf8("note")), Map.of()),
            Map.of("model", "PM100"));
    private static final StreamDescriptor ADC = new StreamDescriptor("adc0", "adc-01",
            StreamSchemas.schema("adc0", "adc-01",
                    List.of(StreamSchemas.float64("ch0", "V", -10, 10), StreamSchemas.float64("ch1", "V", 0, 5)), Map.of()),
            Map.of("model", "ADC-8", "gain", 2L));

    /** Values whose text form is easy to get wrong: specials, signed zero, extremes, non-terminating binary fractions. */
    private static final double[] TRICKY_DOUBLES = {
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, 1e-300, Double.MIN_VALUE,
        Double.MIN_NORMAL, Double.MAX_VALUE, 0.1, 1.0 / 3, 0.1 + 0.2, 1.0e23, 2.82879384806159E17, -1.23456e9, Math.PI
    };
    /** Texts that need RFC 4180 quoting (any delimiter), or look like something else. */
    private static final String[] TRICKY_TEXTS = {
        "plain", "comma, inside", "semicolon; inside", "tab\tinside", "say \"hi\"", "\"", "line1\nline2", "crlf\r\nend",
        "cr\ronly", "", " padded ", "ünïcødé µW ☃ 𝄞", "#hash first", "back\\slash", "'single'", "NaN"
    };

    @TempDir
    Path dir;
    private BufferAllocator allocator;
    private TestRunContext context;
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void openAllocator() {
        allocator = new RootAllocator();
        context = new TestRunContext(dir, RUN, 1, allocator, "csv-test");
    }

    @AfterEach
    void closeAllocator() {
        allocator.close(); // fails the test if a batch leaked
    }

    @ParameterizedTest
    @EnumSource(CsvDelimiter.class)
    void valuesRoundTripExactlyThroughPythonsCsvReader(CsvDelimiter delimiter) throws Exception {
        RunWriter writer = open(delimiter);
        writer.describe(POWER);
        int split = 9; // two batches, so that rows of several batches follow each other
        writePower(writer, 0, split);
        writePower(writer, split, TRICKY_DOUBLES.length);
        writer.close(STOP);

        PythonCsv csv = PythonCsv.read(context.path("power_meter_01", "csv"), delimiter.separator());
        assertEquals(List.of("timestamp_ns", "power", "note"), csv.header());
        assertEquals(TRICKY_DOUBLES.length, csv.records().size());
        for (int i = 0; i < TRICKY_DOUBLES.length; i++) {
            List<String> record = csv.records().get(i);
            String expectedBits = float64Bits(TRICKY_DOUBLES[i]);
            assertEquals(Long.toString(T0 + i), record.get(0));
            // shortest round-trip text: never longer than the JDK's, and 1e23 is "1.0E23" even on JDK 17
            assertTrue(record.get(1).length() <= Double.toString(TRICKY_DOUBLES[i]).length(), "row " + i + ": " + record.get(1));
            if (TRICKY_DOUBLES[i] == 1.0e23) {
                assertEquals("1.0E23", record.get(1));
            }
            assertEquals(expectedBits, float64Bits(Double.parseDouble(record.get(1))), "Java parse of row " + i + ": " + record.get(1));
            assertEquals(expectedBits, csv.float64Bits().get(i + 1).get(1), "Python parse of row " + i + ": " + record.get(1));
            assertEquals(TRICKY_TEXTS[i], record.get(2), "row " + i);
        }
        assertEquals(TRICKY_DOUBLES.length, context.file("power_meter_01", "csv").rows());
    }

    @Test
    void everyScalarTypeIsWrittenAsTextAndNullsAsEmptyFields() throws Exception {
        List<Field> fields = List.of(
                nullable("i8", new ArrowType.Int(8, true)),
                nullable("u8", new ArrowType.Int(8, false)),
                nullable("i16", new ArrowType.Int(16, true)),
                nullable("u16", new ArrowType.Int(16, false)),
                nullable("i32", new ArrowType.Int(32, true)),
                nullable("u32", new ArrowType.Int(32, false)),
                nullable("u64", new ArrowType.Int(64, false)),
                nullable("f16", new ArrowType.FloatingPoint(FloatingPointPrecision.HALF)),
                nullable("f32", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
                nullable("flag", ArrowType.Bool.INSTANCE),
                nullable("large_text", ArrowType.LargeUtf8.INSTANCE),
                nullable("view_text", ArrowType.Utf8View.INSTANCE),
                nullable("acquired", new ArrowType.Timestamp(TimeUnit.NANOSECOND, "UTC")),
                nullable("day", new ArrowType.Date(DateUnit.DAY)),
                nullable("time_of_day", new ArrowType.Time(TimeUnit.MICROSECOND, 64)),
                nullable("exposure", new ArrowType.Duration(TimeUnit.MILLISECOND)),
                nullable("amount", new ArrowType.Decimal(10, 3, 128)),
                nullable("comment", ArrowType.Utf8.INSTANCE));
        StreamDescriptor types = new StreamDescriptor("types0", "types-01",
                StreamSchemas.schema("types0", "types-01", fields, Map.of()), Map.of());
        RunWriter writer = open(CsvDelimiter.COMMA);
        writer.describe(types);
        try (VectorSchemaRoot batch = VectorSchemaRoot.create(types.schema(), allocator)) {
            ((BigIntVector) batch.getVector("timestamp_ns")).setSafe(0, T0);
            ((TinyIntVector) batch.getVector("i8")).setSafe(0, Byte.MIN_VALUE);
            ((UInt1Vector) batch.getVector("u8")).setSafe(0, 255);
            ((SmallIntVector) batch.getVector("i16")).setSafe(0, Short.MIN_VALUE);
            ((UInt2Vector) batch.getVector("u16")).setSafe(0, 65535);
            ((IntVector) batch.getVector("i32")).setSafe(0, Integer.MIN_VALUE);
            ((UInt4Vector) batch.getVector("u32")).setSafe(0, -1);
            ((UInt8Vector) batch.getVector("u64")).setSafe(0, -1L);
            ((Float2Vector) batch.getVector("f16")).setSafeWithPossibleTruncate(0, 1.5f);
            ((Float4Vector) batch.getVector("f32")).setSafe(0, 0.1f);
            ((BitVector) batch.getVector("flag")).setSafe(0, 1);
            ((LargeVarCharVector) batch.getVector("large_text")).setSafe(0, utf8("large, text"));
            ((ViewVarCharVector) batch.getVector("view_text")).setSafe(0, utf8("a view \"text\" longer than twelve bytes"));
            ((TimeStampNanoTZVector) batch.getVector("acquired")).setSafe(0, T0);
            ((DateDayVector) batch.getVector("day")).setSafe(0, 20478);
            ((TimeMicroVector) batch.getVector("time_of_day")).setSafe(0, 52_365_123_456L);
            ((DurationVector) batch.getVector("exposure")).setSafe(0, 250L);
            ((DecimalVector) batch.getVector("amount")).setSafe(0, new BigDecimal("-1234567.891"));
            // row 0 leaves "comment" null; row 1 is null everywhere except the timestamp and an empty comment
            ((BigIntVector) batch.getVector("timestamp_ns")).setSafe(1, T0 + 1);
            ((VarCharVector) batch.getVector("comment")).setSafe(1, utf8(""));
            batch.setRowCount(2);
            writer.write("types0", batch);
        }
        writer.close(STOP);

        PythonCsv csv = PythonCsv.read(context.path("types0", "csv"), ',');
        assertEquals(List.of("timestamp_ns", "i8", "u8", "i16", "u16", "i32", "u32", "u64", "f16", "f32", "flag",
                "large_text", "view_text", "acquired", "day", "time_of_day", "exposure", "amount", "comment"), csv.header());
        assertEquals(List.of(
                List.of(Long.toString(T0), "-128", "255", "-32768", "65535", "-2147483648", "4294967295",
                        "18446744073709551615", "1.5", "0.1", "true", "large, text", "a view \"text\" longer than twelve bytes",
                        Long.toString(T0), "20478", "52365123456", "250", "-1234567.891", ""),
                listOf(Long.toString(T0 + 1), 18, "")), csv.records());
        // Python reads a null and an empty text alike; the file keeps them apart: nothing vs ""
        List<String> lines = Files.readAllLines(context.path("types0", "csv"));
        assertTrue(lines.get(1).endsWith("-1234567.891,"), lines.get(1));
        assertEquals(T0 + 1 + ",".repeat(18) + "\"\"", lines.get(2));
    }

    @Test
    void framesAndOtherColumnsWithoutTextFormAreSkippedWithOneNoticeEach() throws Exception {
        StreamDescriptor camera = new StreamDescriptor("camera0", "cam-01",
                StreamSchemas.schema("camera0", "cam-01",
                        List.of(StreamSchemas.int64("frame_number"), StreamSchemas.frame("frame", 8, 2, 3)), Map.of()),
                Map.of());
        Field spectrum = new Field("spectrum", FieldType.nullable(new ArrowType.List()),
                List.of(new Field("item", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null)));
        StreamDescriptor spectrometer = new StreamDescriptor("spectrometer0", "spec-01",
                StreamSchemas.schema("spectrometer0", "spec-01",
                        List.of(spectrum, nullable("raw", ArrowType.Binary.INSTANCE), nullable("sample_id", UuidType.INSTANCE)),
                        Map.of()),
                Map.of());
        RunWriter writer = open(CsvDelimiter.COMMA);
        writer.describe(camera);
        writer.describe(spectrometer);
        writeFrames(writer, camera.schema(), 0);
        writeFrames(writer, camera.schema(), 2);
        try (VectorSchemaRoot batch = VectorSchemaRoot.create(spectrometer.schema(), allocator)) {
            ((BigIntVector) batch.getVector("timestamp_ns")).setSafe(0, T0);
            batch.setRowCount(1);
            writer.write("spectrometer0", batch);
        }
        writer.metadata(new MetadataUpdate("cam-01", "exposure_ms", 10L, T0 + 5));
        writer.close(STOP);

        assertEquals(List.of(
                "camera0: column 'frame' (arrow.fixed_shape_tensor) is not written to CSV; use the HDF5, Zarr or TIFF writer for frames",
                "spectrometer0: column 'spectrum' (List) is not written to CSV; use the Parquet or Arrow writer for nested columns",
                "spectrometer0: column 'raw' (Binary) is not written to CSV; use the Parquet or Arrow writer for columns without a text form",
                "spectrometer0: column 'sample_id' (arrow.uuid) is not written to CSV; use the Parquet or Arrow writer for extension types"),
                context.notices);
        PythonCsv csv = PythonCsv.read(context.path("camera0", "csv"), ',');
        assertEquals(List.of("timestamp_ns", "frame_number"), csv.header());
        assertEquals(List.of(List.of(Long.toString(T0), "0"), List.of(Long.toString(T0 + 1), "1"),
                List.of(Long.toString(T0 + 2), "2"), List.of(Long.toString(T0 + 3), "3")), csv.records());

        JsonNode sidecar = sidecar("camera0");
        assertEquals(List.of("timestamp_ns", "frame_number"), sidecar.get("columns").findValuesAsText("name"));
        JsonNode skipped = sidecar.get("skipped_columns");
        assertEquals(1, skipped.size());
        assertEquals("frame", skipped.get(0).get("name").asText());
        assertEquals("arrow.fixed_shape_tensor[2, 3]", skipped.get(0).get("type").asText());
        assertEquals("arrow.fixed_shape_tensor is not written to CSV; use the HDF5, Zarr or TIFF writer for frames",
                skipped.get(0).get("reason").asText());
        assertEquals(List.of("spectrum", "raw", "sample_id"),
                sidecar("spectrometer0").get("skipped_columns").findValuesAsText("name"));
        assertEquals(List.of(List.of("timestamp_ns"), List.of(Long.toString(T0))),
                PythonCsv.read(context.path("spectrometer0", "csv"), ',').rows());
    }

    @Test
    void sidecarHoldsRunColumnsMetadataAsItChangesAndTheStop() throws Exception {
        RunWriter writer = open(CsvDelimiter.COMMA);
        writer.describe(ADC);
        writer.describe(POWER);
        JsonNode atStart = sidecar("adc0");
        assertEquals("adc0", atStart.get("stream").asText());
        assertEquals("adc0_s1.csv", atStart.get("csv_file").asText());
        assertEquals(",", atStart.get("delimiter").asText());
        assertEquals("csv-test", atStart.get("writer").asText());
        assertEquals(1, atStart.get("segment").asInt());
        assertEquals(RUN.uid(), atStart.at("/run/uid").asText());
        assertEquals("wavelength_scan", atStart.at("/run/name").asText());
        assertEquals("2026-01-25T14:32:45.123456789Z", atStart.at("/run/start_time").asText());
        assertEquals(T0, atStart.at("/run/start_time_ns").asLong());
        assertEquals(json.readTree("{\"operator\":\"ada\",\"sample\":\"Si-7\"}"), atStart.at("/run/metadata"));
        assertEquals("adc-01", atStart.get("instrument_id").asText());
        assertEquals(json.readTree("{\"gain\":2,\"model\":\"ADC-8\"}"), atStart.get("instrument_metadata"));
        assertEquals(json.readTree("""
                [{"name":"timestamp_ns","type":"Int(64, true)"},
                 {"name":"ch0","type":"FloatingPoint(DOUBLE)","unit":"V","range_min":-10.0,"range_max":10.0},
                 {"name":"ch1","type":"FloatingPoint(DOUBLE)","unit":"V","range_min":0.0,"range_max":5.0}]"""),
                atStart.get("columns"));
        assertEquals(0, atStart.get("skipped_columns").size());
        assertEquals(0, atStart.get("rows_written").asLong());
        assertFalse(atStart.get("segment_closed").asBoolean());
        assertTrue(atStart.get("run_stop").isNull());

        writeAdc(writer, ADC.schema(), 3);
        writer.metadata(new MetadataUpdate(null, "wavelength_nm", 532.0, T0 + 5));
        writer.metadata(new MetadataUpdate("adc-01", "gain", 4L, T0 + 6));
        writer.metadata(new MetadataUpdate("pm-01", "range", "auto", T0 + 7));
        JsonNode updated = sidecar("adc0");
        assertEquals(532.0, updated.at("/run/metadata/wavelength_nm").asDouble());
        assertEquals(json.readTree("{\"gain\":4,\"model\":\"ADC-8\"}"), updated.get("instrument_metadata"));
        assertEquals(json.readTree("""
                [{"time":"2026-01-25T14:32:45.123456794Z","time_ns":%d,"instrument_id":null,"key":"wavelength_nm","value":532.0},
                 {"time":"2026-01-25T14:32:45.123456795Z","time_ns":%d,"instrument_id":"adc-01","key":"gain","value":4}]"""
                .formatted(T0 + 5, T0 + 6)), updated.get("metadata_changes"));
        JsonNode power = sidecar("power_meter_01");
        assertEquals(json.readTree("{\"model\":\"PM100\",\"range\":\"auto\"}"), power.get("instrument_metadata"));
        assertEquals(List.of("wavelength_nm", "range"), power.get("metadata_changes").findValuesAsText("key"));

        writer.close(STOP);
        JsonNode closed = sidecar("adc0");
        assertEquals(3, closed.get("rows_written").asLong());
        assertTrue(closed.get("segment_closed").asBoolean());
        assertEquals(json.readTree("""
                {"time":"2026-01-25T14:33:45.123456789Z","time_ns":%d,"exit_status":"SUCCESS","reason":"stopped from the shell"}"""
                .formatted(STOP.timestampNs())), closed.get("run_stop"));
        assertEquals(4L, closed.at("/instrument_metadata/gain").asLong());
        assertEquals(3, PythonCsv.read(context.path("adc0", "csv"), ',').records().size());
    }

    @Test
    void rotationClosesTheSegmentWithoutStopAndTheNextSegmentStartsNewFiles() throws Exception {
        RunWriter first = open(CsvDelimiter.COMMA);
        first.describe(ADC);
        writeAdc(first, ADC.schema(), 2);
        first.close(null);
        JsonNode rotated = sidecar("adc0");
        assertTrue(rotated.get("segment_closed").asBoolean());
        assertTrue(rotated.get("run_stop").isNull());
        assertEquals(2, rotated.get("rows_written").asLong());

        TestRunContext firstContext = context;
        context = new TestRunContext(dir, RUN, 2, allocator);
        RunWriter second = open(CsvDelimiter.COMMA);
        second.describe(ADC);
        writeAdc(second, ADC.schema(), 5);
        second.close(STOP);
        assertEquals(2, PythonCsv.read(firstContext.path("adc0", "csv"), ',').records().size());
        PythonCsv secondCsv = PythonCsv.read(context.path("adc0", "csv"), ',');
        assertEquals(List.of("timestamp_ns", "ch0", "ch1"), secondCsv.header());
        assertEquals(5, secondCsv.records().size());
        assertEquals(2, sidecar("adc0").get("segment").asInt());
    }

    @Test
    void flushMakesWrittenRowsReadableBeforeClose() throws Exception {
        RunWriter writer = open(CsvDelimiter.COMMA);
        writer.describe(ADC);
        writeAdc(writer, ADC.schema(), 4);
        writer.flush();
        PythonCsv csv = PythonCsv.read(context.path("adc0", "csv"), ',');
        assertEquals(List.of(Long.toString(T0 + 3), "3.0", "-3.0"), csv.records().get(3));
        writer.close(STOP);
    }

    @Test
    void batchOfAStreamThatWasNeverDescribedIsRefusedNamingTheStream() throws Exception {
        RunWriter writer = open(CsvDelimiter.COMMA);
        try (VectorSchemaRoot batch = VectorSchemaRoot.create(ADC.schema(), allocator)) {
            IOException e = assertThrows(IOException.class, () -> writer.write("adc0", batch));
            assertTrue(e.getMessage().contains("stream 'adc0'") && e.getMessage().contains("described"), e.getMessage());
        }
        writer.close(STOP);
    }

    @Test
    void batchWithOtherColumnsIsRefusedNamingStreamFileAndBothColumnLists() throws Exception {
        RunWriter writer = open(CsvDelimiter.COMMA);
        writer.describe(ADC);
        Schema renamed = StreamSchemas.schema("adc0", "adc-01",
                List.of(StreamSchemas.float64("ch0", "V"), StreamSchemas.float64("ch9", "V")), Map.of());
        try (VectorSchemaRoot batch = VectorSchemaRoot.create(renamed, allocator)) {
            batch.setRowCount(1);
            IOException e = assertThrows(IOException.class, () -> writer.write("adc0", batch));
            String message = e.getMessage();
            assertTrue(message.contains("stream 'adc0'"), message);
            assertTrue(message.contains("[timestamp_ns: Int(64, true), ch0: FloatingPoint(DOUBLE), ch9: FloatingPoint(DOUBLE)]"), message);
            assertTrue(message.contains("[timestamp_ns: Int(64, true), ch0: FloatingPoint(DOUBLE), ch1: FloatingPoint(DOUBLE)]"), message);
            assertTrue(message.contains(context.path("adc0", "csv").toString()), message);
        }
        writer.close(STOP);
        assertEquals(0, PythonCsv.read(context.path("adc0", "csv"), ',').records().size());
        assertEquals(0, context.file("adc0", "csv").rows());
    }

    @Test
    void fileThatCannotBeCreatedIsNamed() {
        context = new TestRunContext(dir.resolve("missing"), RUN, 1, allocator);
        RunWriter writer = open(CsvDelimiter.COMMA);
        IOException e = assertThrows(IOException.class, () -> writer.describe(ADC));
        assertTrue(e.getMessage().contains(dir.resolve("missing").resolve("adc0_s1.csv.part").toString()), e.getMessage());
    }

    @Test
    void describingAStreamAgainTakesNewerMetadataButNotOtherColumns() throws Exception {
        RunWriter writer = open(CsvDelimiter.COMMA);
        writer.describe(ADC);
        writer.describe(new StreamDescriptor("adc0", "adc-01", ADC.schema(), Map.of("model", "ADC-8", "gain", 8L)));
        assertEquals(8L, sidecar("adc0").at("/instrument_metadata/gain").asLong());

        StreamDescriptor otherColumns = new StreamDescriptor("adc0", "adc-01",
                StreamSchemas.schema("adc0", "adc-01", List.of(StreamSchemas.float64("ch0", "V")), Map.of()), Map.of());
        IOException e = assertThrows(IOException.class, () -> writer.describe(otherColumns));
        assertTrue(e.getMessage().contains("stream 'adc0'") && e.getMessage().contains(context.path("adc0", "csv").toString()),
                e.getMessage());
        writer.close(STOP);
        assertEquals(List.of("timestamp_ns", "ch0", "ch1"), PythonCsv.read(context.path("adc0", "csv"), ',').header());
    }

    private RunWriter open(CsvDelimiter delimiter) {
        return TestConfigs.csvStorageWriter(Map.of("delimiter", delimiter.option())).open(context);
    }

    private JsonNode sidecar(String stream) throws IOException {
        return json.readTree(context.path(stream, "json").toFile());
    }

    /** Writes rows {@code from} (inclusive) to {@code to} of the tricky values as one batch of the power stream. */
    private void writePower(RunWriter writer, int from, int to) throws IOException {
        try (VectorSchemaRoot batch = VectorSchemaRoot.create(POWER.schema(), allocator)) {
            BigIntVector timestamps = (BigIntVector) batch.getVector("timestamp_ns");
            Float8Vector power = (Float8Vector) batch.getVector("power");
            VarCharVector notes = (VarCharVector) batch.getVector("note");
            for (int i = from; i < to; i++) {
                timestamps.setSafe(i - from, T0 + i);
                power.setSafe(i - from, TRICKY_DOUBLES[i]);
                notes.setSafe(i - from, utf8(TRICKY_TEXTS[i]));
            }
            batch.setRowCount(to - from);
            writer.write("power_meter_01", batch);
        }
    }

    /** Writes {@code rows} rows of the ADC stream: row i has ch0 = i, ch1 = -i. */
    private void writeAdc(RunWriter writer, Schema schema, int rows) throws IOException {
        try (VectorSchemaRoot batch = VectorSchemaRoot.create(schema, allocator)) {
            for (int i = 0; i < rows; i++) {
                ((BigIntVector) batch.getVector("timestamp_ns")).setSafe(i, T0 + i);
                ((Float8Vector) batch.getVector("ch0")).setSafe(i, i);
                ((Float8Vector) batch.getVector("ch1")).setSafe(i, -i);
            }
            batch.setRowCount(rows);
            writer.write("adc0", batch);
        }
    }

    /** Writes two 2×3 frames numbered {@code first} and {@code first + 1} to camera0. */
    private void writeFrames(RunWriter writer, Schema schema, int first) throws IOException {
        try (VectorSchemaRoot batch = VectorSchemaRoot.create(schema, allocator)) {
            FixedShapeTensorVector frames = (FixedShapeTensorVector) batch.getVector("frame");
            FixedSizeListVector storage = frames.getUnderlyingVector();
            UInt1Vector pixels = (UInt1Vector) frames.pixelVector();
            for (int row = 0; row < 2; row++) {
                ((BigIntVector) batch.getVector("timestamp_ns")).setSafe(row, T0 + first + row);
                ((BigIntVector) batch.getVector("frame_number")).setSafe(row, first + row);
                storage.setNotNull(row);
                for (int pixel = 0; pixel < 6; pixel++) {
                    pixels.setSafe(row * 6 + pixel, first + row + pixel);
                }
            }
            batch.setRowCount(2);
            writer.write("camera0", batch);
        }
    }

    private static Field nullable(String name, ArrowType type) {
        return new Field(name, FieldType.nullable(type), null);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String float64Bits(double value) {
        return String.format("%016x", Double.doubleToLongBits(value)); // canonical NaN, as Python's float('nan')
    }

    /** {@code first} followed by {@code count} copies of {@code repeated}. */
    private static List<String> listOf(String first, int count, String repeated) {
        List<String> list = new ArrayList<>(List.of(first));
        for (int i = 0; i < count; i++) {
            list.add(repeated);
        }
        return list;
    }
}
