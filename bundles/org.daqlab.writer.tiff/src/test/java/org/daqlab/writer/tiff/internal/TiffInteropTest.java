package org.daqlab.writer.tiff.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.daqlab.api.data.FixedShapeTensorVector;
import org.daqlab.api.data.StreamSchemas;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes camera streams through the TIFF writer as the core drives it and reads the files with
 * tifffile: every page equal to the frame published (pixels, shape, dtype), the page count, the
 * ImageJ description (images, frames, calibration), the ImageJ series, each page's frame number and
 * timestamp, and the run and instrument metadata of the first page.
 */
class TiffInteropTest {

    private static final StreamDescriptor CAMERA = TestFrames.uint16("camera0", 48, 64);

    @TempDir
    Path dir;
    private final BufferAllocator allocator = new RootAllocator();

    @AfterEach
    void close() {
        allocator.close();
    }

    @ParameterizedTest(name = "compression {0}, level {1}, predictor {2}, bigtiff {3}")
    @CsvSource({"none, 1, false, auto", "deflate, 1, true, auto", "deflate, 6, true, auto", "deflate, 6, false, auto",
            "none, 1, false, always", "deflate, 1, true, always"})
    void everyPageReadsBackAsPublishedWithImageJMetadataAndTimestamps(String compression, int level, boolean predictor,
            String bigtiff) throws Exception {
        TestRunContext context = segment(Map.of("compression", compression, "compression__level", level,
                "predictor", predictor, "bigtiff", bigtiff, "compression__threads", 2), 0, run -> {
            run.describe(CAMERA);
            write(run, CAMERA, 0, 5);
            run.flush();
            write(run, CAMERA, 5, 7);
            run.metadata(new MetadataUpdate(null, "sample", "Si-8", TestFrames.T0 + 1));
            run.metadata(new MetadataUpdate(CAMERA.instrumentId(), "gain", 2L, TestFrames.T0 + 2));
            write(run, CAMERA, 12, 1);
        });

        JsonNode file = Tifffile.read(context.path("camera0", "tif"));
        assertEquals(13, Tifffile.assertFrames(file, CAMERA, "uint16", 0));
        assertEquals(bigtiff.equals("always"), file.get("bigtiff").asBoolean());
        JsonNode page = file.get("page").get(0);
        assertEquals(compression.equals("none") ? 1 : 8, page.get("compression").asInt());
        assertEquals(compression.equals("deflate") && predictor ? 2 : 1, page.get("predictor").asInt());
        JsonNode imagej = file.get("imagej");
        assertEquals("1.11a", imagej.get("ImageJ").asText());
        assertEquals(13, imagej.get("images").asInt());
        assertEquals(13, imagej.get("frames").asInt());
        assertEquals("micron", imagej.get("unit").asText());
        assertEquals(0.01, imagej.get("finterval").asDouble());
        JsonNode series = file.get("series");
        assertEquals(List.of(13, 48, 64), List.of(series.get("shape").get(0).asInt(), series.get("shape").get(1).asInt(),
                series.get("shape").get(2).asInt()));
        assertEquals("TYX", series.get("axes").asText());
        assertEquals("imagej", series.get("kind").asText());
        List<byte[]> all = new ArrayList<>();
        for (int n = 0; n < 13; n++) {
            all.add(TestFrames.pixels(CAMERA, n));
        }
        assertEquals(TestFrames.sha256(all.toArray(byte[][]::new)), series.get("sha256").asText(), "the series' pixels");

        JsonNode metadata = file.get("metadata");
        assertEquals("camera0", metadata.get("stream").asText());
        assertEquals("frame", metadata.get("frame_column").asText());
        assertEquals("tiff_test", metadata.get("run").get("name").asText());
        assertEquals("Si-8", metadata.get("run").get("metadata").get("sample").asText(), "run metadata as it stands at the end");
        assertEquals(4.2, metadata.get("run").get("metadata").get("temperature_k").asDouble());
        assertEquals(2, metadata.get("instrument").get("metadata").get("gain").asInt());
        assertEquals(6.5, metadata.get("instrument").get("metadata").get("pixel_size_um").asDouble());
        assertEquals(2, metadata.get("metadata_changes").size());
        assertEquals("SUCCESS", metadata.get("run_stop").get("exit_status").asText());
        assertEquals("s", metadata.get("page_columns").get(2).get("unit").asText(), "exposure_s's unit");
        assertEquals(13, context.file("camera0", "tif").rows());
        assertFalse(Files.exists(LockFile.of(context.path("camera0", "tif"))), "a complete file has no unfinished mark");
    }

    @ParameterizedTest(name = "{0} pixels, {1}")
    @CsvSource({"uint8, none", "uint8, deflate", "int8, deflate", "int16, deflate", "uint32, deflate", "int32, none",
            "int64, deflate", "uint64, none", "float16, deflate", "float32, deflate", "float64, none"})
    void everyIntegerAndFloatPixelTypeReadsBack(String dtype, String compression) throws Exception {
        ArrowType pixel = switch (dtype) {
            case "float16" -> new ArrowType.FloatingPoint(FloatingPointPrecision.HALF);
            case "float32" -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case "float64" -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            default -> new ArrowType.Int(Integer.parseInt(dtype.replaceAll("[a-z]", "")), dtype.startsWith("int"));
        };
        StreamDescriptor camera = TestFrames.camera("cam", pixel, 33, 17, Map.of());
        TestRunContext context = segment(Map.of("compression", compression), 0, run -> {
            run.describe(camera);
            write(run, camera, 0, 4);
        });

        JsonNode file = Tifffile.read(context.path("cam", "tif"));
        assertEquals(4, Tifffile.assertFrames(file, camera, dtype, 0));
        boolean integer = !dtype.startsWith("float");
        assertEquals(compression.equals("deflate") && integer ? 2 : 1, file.get("page").get(0).get("predictor").asInt(),
                "the horizontal predictor applies to integers only");
        assertTrue(file.get("imagej").get("unit") == null, "no calibration without pixel_size_um");
        assertEquals(List.of(4, 33, 17), List.of(file.get("series").get("shape").get(0).asInt(),
                file.get("series").get("shape").get(1).asInt(), file.get("series").get("shape").get(2).asInt()));
    }

    @Test
    void aStreamWithoutFramesIsReportedOnceAndNotWritten() throws Exception {
        StreamDescriptor power = new StreamDescriptor("power_meter_01", "pm-01", org.daqlab.api.data.StreamSchemas.schema(
                "power_meter_01", "pm-01", List.of(org.daqlab.api.data.StreamSchemas.float64("power", "W")), Map.of()),
                Map.of());
        TestRunContext context = segment(Map.of(), 0, run -> {
            run.describe(power);
            run.describe(CAMERA);
            write(run, CAMERA, 0, 2);
            run.describe(power);
        });
        assertEquals(List.of("camera0_s1.tif"), List.copyOf(context.files.keySet()));
        List<String> notices = context.notices.stream().filter(n -> n.contains("power_meter_01")).distinct().toList();
        assertEquals(1, notices.size(), context.notices.toString());
        assertTrue(notices.get(0).contains("no frame column"), notices.get(0));
    }

    @Test
    void eachPageRecordsItsRowsOtherColumnsAndColumnsThatCannotBeRecordedAreReportedOnce() throws Exception {
        List<Field> fields = List.of(
                new Field("note", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                new Field("ok", FieldType.notNullable(ArrowType.Bool.INSTANCE), null),
                new Field("count", FieldType.notNullable(new ArrowType.Int(64, false)), null),
                new Field("level", FieldType.notNullable(new ArrowType.Int(8, false)), null),
                new Field("temperature", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null),
                new Field("at", FieldType.notNullable(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")), null),
                new Field("roi", FieldType.notNullable(new ArrowType.List()),
                        List.of(new Field("item", FieldType.notNullable(new ArrowType.Int(32, true)), null))),
                CAMERA.schema().findField("frame"));
        StreamDescriptor camera = new StreamDescriptor("camera0", "cam0", StreamSchemas.schema("camera0", "cam0", fields,
                Map.of()), Map.of());
        TestRunContext context = segment(Map.of(), 0, run -> {
            run.describe(camera);
            for (int b = 0; b < 2; b++) {
                try (VectorSchemaRoot batch = VectorSchemaRoot.create(camera.schema(), allocator)) {
                    batch.allocateNew();
                    for (int i = 0; i < 3; i++) {
                        int n = b * 3 + i;
                        ((BigIntVector) batch.getVector("timestamp_ns")).setSafe(i, TestFrames.timestamp(n));
                        if (n % 2 == 0) {
                            ((VarCharVector) batch.getVector("note")).setSafe(i, ("frame \"" + n + "\" µm").getBytes(UTF_8));
                        } else {
                            ((VarCharVector) batch.getVector("note")).setNull(i);
                        }
                        ((BitVector) batch.getVector("ok")).setSafe(i, n % 3 == 0 ? 1 : 0);
                        ((UInt8Vector) batch.getVector("count")).setSafe(i, -1L - n);
                        ((UInt1Vector) batch.getVector("level")).setSafe(i, 250 + n);
                        ((Float4Vector) batch.getVector("temperature")).setSafe(i, n == 4 ? Float.NaN : 20.5f + n);
                        ((TimeStampMicroTZVector) batch.getVector("at")).setSafe(i, TestFrames.timestamp(n) / 1000);
                    }
                    ListVector roi = (ListVector) batch.getVector("roi");
                    for (int i = 0; i < 3; i++) {
                        roi.startNewValue(i);
                        roi.endValue(i, 0);
                    }
                    FixedShapeTensorVector tensor = (FixedShapeTensorVector) batch.getVector("frame");
                    tensor.getUnderlyingVector().setValueCount(3);
                    for (int i = 0; i < 3; i++) {
                        tensor.getUnderlyingVector().setNotNull(i);
                        tensor.pixelVector().getDataBuffer().setBytes((long) i * 48 * 64 * 2, TestFrames.pixels(CAMERA, b * 3 + i));
                    }
                    for (FieldVector v : batch.getFieldVectors()) {
                        if (!(v instanceof FixedShapeTensorVector)) {
                            v.setValueCount(3);
                        }
                    }
                    batch.setRowCount(3);
                    run.write("camera0", batch);
                }
            }
        });

        JsonNode file = Tifffile.ok(Tifffile.read(context.path("camera0", "tif")));
        for (int n = 0; n < 6; n++) {
            JsonNode page = file.get("page").get(n);
            assertEquals(TestFrames.sha256(TestFrames.pixels(CAMERA, n)), page.get("sha256").asText());
            JsonNode row = page.get("frame");
            assertEquals(List.of("timestamp_ns", "note", "ok", "count", "level", "temperature", "at"),
                    iterable(row.fieldNames()), "every column that can be recorded, in schema order");
            assertEquals(TestFrames.timestamp(n), row.get("timestamp_ns").asLong());
            assertEquals(n % 2 == 0 ? "frame \"" + n + "\" µm" : null, row.get("note").isNull() ? null : row.get("note").asText());
            assertEquals(n % 3 == 0, row.get("ok").asBoolean());
            assertEquals(new java.math.BigInteger(Long.toUnsignedString(-1L - n)), row.get("count").bigIntegerValue(),
                    "uint64 exactly");
            assertEquals(250 + n, row.get("level").asInt(), "uint8 unsigned");
            if (n == 4) {
                assertEquals("NaN", row.get("temperature").asText());
            } else {
                assertEquals(20.5 + n, row.get("temperature").asDouble(), 1e-6);
            }
            assertEquals(TestFrames.timestamp(n) / 1000, row.get("at").asLong());
        }
        List<String> notices = context.notices.stream().filter(m -> m.contains("'roi'")).distinct().toList();
        assertEquals(1, notices.size(), context.notices.toString());
        assertTrue(notices.get(0).contains("stream 'camera0'") && notices.get(0).contains("List"), notices.get(0));
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    interface Steps {
        void run(RunWriter run) throws Exception;
    }

    /** A segment of a writer configured with {@code config} (classic files end at {@code classicLimit}, 0: 4 GiB). */
    TestRunContext segment(Map<String, Object> config, long classicLimit, Steps steps) throws Exception {
        TiffStorageWriter writer = classicLimit > 0 ? TestConfigs.writer(config, classicLimit) : TestConfigs.writer(config);
        TestRunContext context = new TestRunContext(dir, TestFrames.RUN, 1, allocator, "tiff");
        RunWriter run = writer.open(context);
        try {
            steps.run(run);
        } finally {
            run.close(TestFrames.STOP);
            writer.deactivate();
        }
        return context;
    }

    void write(RunWriter run, StreamDescriptor stream, long first, int count) throws Exception {
        try (VectorSchemaRoot batch = TestFrames.batch(stream, allocator, first, count)) {
            run.write(stream.stream(), batch);
        }
    }
}
