package org.daqlab.writer.hdf5;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.FixedShapeTensorType;
import org.daqlab.api.data.FixedShapeTensorVector;
import org.daqlab.api.data.StreamSchemas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads files written by h5py as FORMAT.md lays them out back through {@link Hdf5RunFile}. */
class Hdf5RunFileTest {

    private static final long T0 = 1_790_000_000_000_000_000L;

    @TempDir
    Path dir;

    private BufferAllocator allocator;

    @BeforeEach
    void allocate() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void releaseEverything() {
        allocator.close(); // fails the test if a batch was leaked
    }

    @Test
    void everyStoredTypeComesBackWithItsValuesAndTheSchemaAsPublished() throws Exception {
        Schema schema = new Schema(List.of(StreamSchemas.timestampField(),
                field("i8", new ArrowType.Int(8, true)), field("i16", new ArrowType.Int(16, true)),
                field("i32", new ArrowType.Int(32, true)), field("i64", new ArrowType.Int(64, true)),
                field("u8", new ArrowType.Int(8, false)), field("u16", new ArrowType.Int(16, false)),
                field("u32", new ArrowType.Int(32, false)), field("u64", new ArrowType.Int(64, false)),
                field("f16", new ArrowType.FloatingPoint(FloatingPointPrecision.HALF)),
                field("f32", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
                StreamSchemas.float64("f64", "V", -10, 10),
                field("flag", ArrowType.Bool.INSTANCE), field("label", ArrowType.Utf8.INSTANCE),
                field("t_us", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "Europe/Berlin")),
                new Field("tags", FieldType.nullable(ArrowType.List.INSTANCE),
                        List.of(field("item", new ArrowType.Int(32, true)))),
                field("late", new ArrowType.Int(32, true))),
                Map.of("stream", "mixed", "instrument_id", "sim0", "operator", "ada"));
        List<Long> timestamps = LongStream.range(0, 6).map(i -> T0 + i).boxed().toList();
        List<Object> u64 = List.of(0, 1, Long.MAX_VALUE, BigInteger.ONE.shiftLeft(63), BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE), 7);
        float subnormal = Math.scalb(1f, -24); // the smallest float16
        Path file = dir.resolve("mixed.h5");
        new H5pyFile().group("mixed", "mixed", schema)
                .dataset("timestamp_ns", "int64", timestamps, 4)
                .dataset("i8", "int8", List.of(-128, -1, 0, 1, 127, 5), 4)
                .dataset("i16", "int16", List.of(-32768, -1, 0, 1, 32767, 5), 4)
                .dataset("i32", "int32", List.of(Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE, 5), 4)
                .dataset("i64", "int64", List.of(Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 5), 4)
                .dataset("u8", "uint8", List.of(0, 1, 127, 128, 255, 5), 4)
                .dataset("u16", "uint16", List.of(0, 1, 32767, 32768, 65535, 5), 4)
                .dataset("u32", "uint32", List.of(0, 1, 2147483647L, 2147483648L, 4294967295L, 5), 4)
                .dataset("u64", "uint64", u64, 4)
                .dataset("f16", "float16", List.of(0.0, -1.5, 65504.0, subnormal, Double.NaN, Double.NEGATIVE_INFINITY), 4)
                .dataset("f32", "float32", List.of(0.0f, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, 0.1f), 4)
                .dataset("f64", "float64", List.of(0.0, -1e-300, Double.MAX_VALUE, Math.PI, Double.NaN, 0.1), 4)
                .dataset("flag", "bool", List.of(true, false, true, true, false, false), 4)
                .dataset("label", "utf8", List.of("", "a", "héllo", "日本語", "x y", "z"), 4)
                .dataset("t_us", "int64", List.of(-1L, 0L, 1L, 1_790_000_000_000_000L, Long.MAX_VALUE, 5L), 4)
                .write(file);

        try (Hdf5RunFile h5 = Hdf5RunFile.open(file)) {
            Hdf5Stream stream = h5.stream("mixed");
            assertEquals(schema, stream.schema());
            assertEquals(6, stream.rowCount());
            assertEquals(List.of("tags", "late"), stream.droppedColumns().stream().map(d -> d.field().getName()).toList());
            assertTrue(stream.droppedColumns().get(0).reason().contains("List is not stored"), stream.droppedColumns().get(0).reason());
            assertTrue(stream.droppedColumns().get(1).reason().contains("no dataset /mixed/late"), stream.droppedColumns().get(1).reason());
            List<Field> stored = new ArrayList<>(schema.getFields());
            stored.removeIf(f -> f.getName().equals("tags") || f.getName().equals("late"));
            assertEquals(new Schema(stored, schema.getCustomMetadata()), stream.batchSchema());

            try (Hdf5BatchReader reader = h5.read("mixed", allocator, 6)) {
                assertTrue(reader.loadNextBatch());
                VectorSchemaRoot batch = reader.root();
                assertEquals(stream.batchSchema(), batch.getSchema());
                assertEquals(6, batch.getRowCount());
                assertEquals(timestamps, longs(batch, "timestamp_ns"));
                assertEquals(List.of(-128L, -1L, 0L, 1L, 127L, 5L), longs(batch, "i8"));
                assertEquals(List.of(-32768L, -1L, 0L, 1L, 32767L, 5L), longs(batch, "i16"));
                assertEquals(List.of((long) Integer.MIN_VALUE, -1L, 0L, 1L, (long) Integer.MAX_VALUE, 5L), longs(batch, "i32"));
                assertEquals(List.of(Long.MIN_VALUE, -1L, 0L, 1L, Long.MAX_VALUE, 5L), longs(batch, "i64"));
                // unsigned vectors: getValueAsLong is unsigned up to 32 bits, the bit pattern for 64
                assertEquals(List.of(0L, 1L, 127L, 128L, 255L, 5L), longs(batch, "u8"));
                assertEquals(List.of(0L, 1L, 32767L, 32768L, 65535L, 5L), longs(batch, "u16"));
                assertEquals(List.of(0L, 1L, 2147483647L, 2147483648L, 4294967295L, 5L), longs(batch, "u32"));
                UInt8Vector u64Vector = (UInt8Vector) batch.getVector("u64");
                assertEquals(u64.stream().map(v -> new BigInteger(v.toString())).toList(),
                        IntStream.range(0, 6).mapToObj(u64Vector::getObjectNoOverflow).toList());
                Float2Vector f16 = (Float2Vector) batch.getVector("f16");
                assertEquals(List.of(0.0, -1.5, 65504.0, (double) subnormal, Double.NaN, Double.NEGATIVE_INFINITY),
                        IntStream.range(0, 6).mapToObj(f16::getValueAsDouble).toList());
                Float4Vector f32 = (Float4Vector) batch.getVector("f32");
                assertEquals(List.of(0.0f, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, 0.1f),
                        IntStream.range(0, 6).mapToObj(f32::get).toList());
                Float8Vector f64 = (Float8Vector) batch.getVector("f64");
                assertEquals(List.of(0.0, -1e-300, Double.MAX_VALUE, Math.PI, Double.NaN, 0.1),
                        IntStream.range(0, 6).mapToObj(f64::get).toList());
                BitVector flag = (BitVector) batch.getVector("flag");
                assertEquals(List.of(1, 0, 1, 1, 0, 0), IntStream.range(0, 6).mapToObj(flag::get).toList());
                VarCharVector label = (VarCharVector) batch.getVector("label");
                assertEquals(List.of("", "a", "héllo", "日本語", "x y", "z"),
                        IntStream.range(0, 6).mapToObj(i -> label.getObject(i).toString()).toList());
                TimeStampMicroTZVector tUs = assertInstanceOf(TimeStampMicroTZVector.class, batch.getVector("t_us"));
                assertEquals("Europe/Berlin", tUs.getTimeZone());
                assertEquals(List.of(-1L, 0L, 1L, 1_790_000_000_000_000L, Long.MAX_VALUE, 5L),
                        IntStream.range(0, 6).mapToObj(tUs::get).toList());
                assertEquals(0, batch.getFieldVectors().stream().mapToInt(v -> v.getNullCount()).sum());
                assertFalse(reader.loadNextBatch());
            }
        }
    }

    @Test
    void framesComeBackAsFixedShapeTensorsInBatchesOfAtMostMaxRows() throws Exception {
        Field spectra = new Field("spectrum", FieldType.notNullable(new FixedShapeTensorType(new long[] {2, 2})),
                List.of(new Field("item", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null)));
        Schema schema = StreamSchemas.schema("camera0", "cam0",
                List.of(StreamSchemas.int64("frame_number"), StreamSchemas.frame("frame", 16, 3, 4), spectra), Map.of());
        int frames = 7;
        List<List<List<Integer>>> pixels = new ArrayList<>();
        List<List<List<Float>>> spectrumValues = new ArrayList<>();
        for (int n = 0; n < frames; n++) {
            pixels.add(image(n, 3, 4));
            int frame = n;
            spectrumValues.add(List.of(List.of(frame + 0.25f, (float) -frame), List.of(Float.NaN, frame * 1e30f)));
        }
        Path file = dir.resolve("camera.h5");
        new H5pyFile().group("camera0", "camera0", schema)
                .dataset("timestamp_ns", "int64", LongStream.range(0, frames).map(i -> T0 + i).boxed().toList(), 4)
                .dataset("frame_number", "int64", LongStream.range(0, frames).boxed().toList(), 4)
                .dataset("frame", "uint16", pixels, 1, 3, 4)
                .dataset("spectrum", "float32", spectrumValues, 2, 2, 2)
                .write(file);

        try (Hdf5RunFile h5 = Hdf5RunFile.open(file); Hdf5BatchReader reader = h5.read("camera0", allocator, 3)) {
            Hdf5Stream stream = reader.stream();
            assertEquals(schema, stream.schema());
            assertEquals(List.of(), stream.droppedColumns());
            Hdf5Column frame = stream.column("frame").orElseThrow();
            assertEquals(List.of(7L, 3L, 4L), frame.shape());
            assertEquals("uint16", frame.hdf5Type());
            assertEquals("chunks [1, 3, 4], shuffle, deflate 4", frame.storage());

            List<Integer> batchSizes = new ArrayList<>();
            long frameNumber = 0;
            while (reader.loadNextBatch()) {
                VectorSchemaRoot batch = reader.root();
                batchSizes.add(batch.getRowCount());
                FixedShapeTensorVector frameVector = assertInstanceOf(FixedShapeTensorVector.class, batch.getVector("frame"));
                assertEquals(new FixedShapeTensorType(new long[] {3, 4}), frameVector.tensorType());
                assertEquals(new FixedShapeTensorType(new long[] {3, 4}), batch.getSchema().findField("frame").getType());
                UInt2Vector pixelVector = assertInstanceOf(UInt2Vector.class, frameVector.pixelVector());
                FixedShapeTensorVector spectrumVector = (FixedShapeTensorVector) batch.getVector("spectrum");
                Float4Vector spectrumValuesVector = (Float4Vector) spectrumVector.pixelVector();
                for (int row = 0; row < batch.getRowCount(); row++, frameNumber++) {
                    assertEquals(frameNumber, ((BigIntVector) batch.getVector("frame_number")).get(row));
                    assertFalse(frameVector.isNull(row));
                    List<Integer> expected = pixels.get((int) frameNumber).stream().flatMap(List::stream).toList();
                    int first = row * 12;
                    assertEquals(expected, IntStream.range(first, first + 12).mapToObj(pixelVector::getValueAsLong)
                            .map(Long::intValue).toList(), "frame " + frameNumber);
                    List<Float> expectedSpectrum = spectrumValues.get((int) frameNumber).stream().flatMap(List::stream).toList();
                    assertEquals(expectedSpectrum, IntStream.range(row * 4, row * 4 + 4).mapToObj(spectrumValuesVector::get).toList());
                }
            }
            assertEquals(List.of(3, 3, 1), batchSizes);
            assertEquals(frames, frameNumber);
        }
    }

    @Test
    void aLongStreamIsReadInBoundedBatchesThatReuseOneRoot() throws Exception {
        int rows = 10_000;
        Schema schema = StreamSchemas.schema("adc0", "adc", List.of(StreamSchemas.float64("ch0", "V")), Map.of());
        Path file = dir.resolve("adc.h5");
        new H5pyFile().group("adc0", "adc0", schema)
                .dataset("timestamp_ns", "int64", LongStream.range(0, rows).map(i -> T0 + i * 1000).boxed().toList(), 1024)
                .dataset("ch0", "float64", IntStream.range(0, rows).mapToObj(i -> i * 0.5).toList(), 1024)
                .write(file);

        try (Hdf5RunFile h5 = Hdf5RunFile.open(file); Hdf5BatchReader reader = h5.read("adc0", allocator, 4096)) {
            VectorSchemaRoot root = reader.root();
            List<Integer> batchSizes = new ArrayList<>();
            int row = 0;
            while (reader.loadNextBatch()) {
                assertTrue(root == reader.root(), "the reader reuses its root");
                batchSizes.add(root.getRowCount());
                BigIntVector timestamps = (BigIntVector) root.getVector("timestamp_ns");
                Float8Vector ch0 = (Float8Vector) root.getVector("ch0");
                for (int i = 0; i < root.getRowCount(); i++, row++) {
                    assertEquals(T0 + row * 1000L, timestamps.get(i));
                    assertEquals(row * 0.5, ch0.get(i));
                }
            }
            assertEquals(List.of(4096, 4096, 1808), batchSizes);
            assertEquals(rows, row);
            long wholeStream = rows * 16L;
            assertTrue(allocator.getPeakMemoryAllocation() < wholeStream,
                    "peak " + allocator.getPeakMemoryAllocation() + " bytes, the whole stream is " + wholeStream);
        }
    }

    @Test
    void listsStreamsWithTheirAttributesRowCountsAndColumns() throws Exception {
        Schema power = StreamSchemas.schema("power_meter_01", "pm1", List.of(StreamSchemas.float64("power", "W")), Map.of());
        Schema powerWithChannel = StreamSchemas.schema("power_meter_01", "pm1",
                List.of(StreamSchemas.float64("power", "W"), StreamSchemas.utf8("channel")), Map.of());
        Path file = dir.resolve("run.h5");
        new H5pyFile()
                .attribute("created_at", "str", "2026-11-21T11:40:00.123Z")
                .attribute("created_timestamp_ns", "uint64", 1_795_261_200_123_000_000L)
                .attribute("application", "str", "daqlab 0.1.0")
                .attribute("run_uid", "str", "6f1c")
                .attribute("run_name", "str", "wavelength_scan")
                .attribute("segment", "int64", 1)
                .attribute("temperature", "float64", 21.5)
                .attribute("calibrated", "uint8", 1)
                .group("power_meter_01", "power_meter_01", power)
                .attribute("instrument_id", "str", "pm1")
                .attribute("wavelength_nm", "float64", 1550.0)
                .dataset("timestamp_ns", "int64", List.of(T0, T0 + 1, T0 + 2), 2)
                .dataset("power", "float64", List.of(1e-3, 2e-3, 3e-3), 2)
                .group("power_meter_01.schema2", "power_meter_01", powerWithChannel)
                .attribute("instrument_id", "str", "pm1")
                .dataset("timestamp_ns", "int64", List.of(T0 + 3, T0 + 4), 2)
                .dataset("power", "float64", List.of(4e-3, 5e-3), 2)
                .dataset("channel", "utf8", List.of("A", "B"), 2)
                .write(file);

        try (Hdf5RunFile h5 = Hdf5RunFile.open(file)) {
            assertEquals(file, h5.path());
            assertEquals(Map.of("created_at", "2026-11-21T11:40:00.123Z", "created_timestamp_ns", 1_795_261_200_123_000_000L,
                    "application", "daqlab 0.1.0", "run_uid", "6f1c", "run_name", "wavelength_scan", "segment", 1L,
                    "temperature", 21.5, "calibrated", 1L), h5.attributes());
            assertEquals(List.of("power_meter_01", "power_meter_01.schema2"), h5.streams().stream().map(Hdf5Stream::group).toList());
            assertEquals(List.of("power_meter_01", "power_meter_01"), h5.streams().stream().map(Hdf5Stream::stream).toList());
            assertEquals(List.of(3L, 2L), h5.streams().stream().map(Hdf5Stream::rowCount).toList());

            Hdf5Stream first = h5.stream("power_meter_01");
            assertEquals(Map.of("stream", "power_meter_01", "instrument_id", "pm1", "wavelength_nm", 1550.0), first.attributes());
            Hdf5Column powerColumn = first.column("power").orElseThrow();
            assertEquals("/power_meter_01/power", powerColumn.path());
            assertEquals(List.of(3L), powerColumn.shape());
            assertEquals("float64", powerColumn.hdf5Type());
            assertEquals("W", powerColumn.units());
            assertEquals(Map.of("units", "W"), powerColumn.attributes());
            assertEquals("chunks [2], shuffle, deflate 4", powerColumn.storage());
            Hdf5Column channel = h5.stream("power_meter_01.schema2").column("channel").orElseThrow();
            assertEquals("string(2 bytes, UTF-8)", channel.hdf5Type()); // "A" and its null terminator
            assertEquals(powerWithChannel, h5.stream("power_meter_01.schema2").schema());
        }
    }

    @Test
    void fieldMetadataOtherThanTheUnitIsADatasetAttribute() throws Exception {
        Schema schema = StreamSchemas.schema("adc0", "adc", List.of(StreamSchemas.float64("ch0", "V", -10, 10)), Map.of());
        Path file = dir.resolve("adc.h5");
        new H5pyFile().group("adc0", "adc0", schema)
                .dataset("timestamp_ns", "int64", List.of(T0), 1)
                .dataset("ch0", "float64", List.of(0.5), 1)
                .write(file);

        try (Hdf5RunFile h5 = Hdf5RunFile.open(file)) {
            assertEquals(Map.of("units", "V", "range_min", -10.0, "range_max", 10.0),
                    h5.stream("adc0").column("ch0").orElseThrow().attributes());
        }
    }

    @Test
    void aFileThatIsNotHdf5IsReportedWithItsName() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.h5"), "not HDF5 at all");

        Hdf5FormatException e = assertThrows(Hdf5FormatException.class, () -> Hdf5RunFile.open(file));
        assertTrue(e.getMessage().startsWith(file + ": not an HDF5 file"), e.getMessage());
    }

    @Test
    void anHdf5FileWithoutSchemaAttributesIsNotADaqlabFile() throws Exception {
        Path file = dir.resolve("plain.h5");
        new H5pyFile().group("s", "s", null).dataset("x", "float64", List.of(1.0), 1).write(file);

        Hdf5FormatException e = assertThrows(Hdf5FormatException.class, () -> Hdf5RunFile.open(file));
        assertEquals(file + ": /s/x: no string attribute 'schema' (the stream's Arrow schema as JSON): not a daqlab file (FORMAT.md)",
                e.getMessage());
    }

    @Test
    void aDatasetOfAnotherTypeThanItsFieldIsReported() throws Exception {
        Schema schema = StreamSchemas.schema("s", "i", List.of(field("x", new ArrowType.Int(32, true))), Map.of());
        Path file = dir.resolve("wrong.h5");
        new H5pyFile().group("s", "s", schema)
                .dataset("timestamp_ns", "int64", List.of(T0), 1)
                .dataset("x", "float64", List.of(1.0), 1)
                .write(file);

        Hdf5FormatException e = assertThrows(Hdf5FormatException.class, () -> Hdf5RunFile.open(file));
        assertEquals(file + ": /s/x: it is float64 but field 'x' (Int(32, true)) is stored as int32", e.getMessage());
    }

    @Test
    void datasetsOfOneStreamWithDifferentRowCountsAreReported() throws Exception {
        Schema schema = StreamSchemas.schema("s", "i", List.of(StreamSchemas.float64("x", null)), Map.of());
        Path file = dir.resolve("ragged.h5");
        new H5pyFile().group("s", "s", schema)
                .dataset("timestamp_ns", "int64", List.of(T0, T0 + 1), 1)
                .dataset("x", "float64", List.of(1.0), 1)
                .write(file);

        Hdf5FormatException e = assertThrows(Hdf5FormatException.class, () -> Hdf5RunFile.open(file));
        assertTrue(e.getMessage().startsWith(file + ": /s/x: 1 rows, but /s/timestamp_ns has 2"), e.getMessage());
    }

    @Test
    void anUnknownStreamIsReportedWithTheStreamsThereAre() throws Exception {
        Schema schema = StreamSchemas.schema("adc0", "adc", List.of(), Map.of());
        Path file = dir.resolve("one.h5");
        H5pyFile h5py = new H5pyFile();
        h5py.group("adc0", "adc0", schema).dataset("timestamp_ns", "int64", List.of(T0), 1);
        h5py.group("cam0", "cam0", StreamSchemas.schema("cam0", "cam", List.of(), Map.of()))
                .dataset("timestamp_ns", "int64", List.of(T0), 1);
        h5py.write(file);

        try (Hdf5RunFile h5 = Hdf5RunFile.open(file)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h5.read("adc1", allocator, 10));
            assertEquals(file + " has no stream 'adc1'; its streams are: adc0, cam0", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> h5.read("adc0", allocator, 0));
        }
    }

    private static Field field(String name, ArrowType type) {
        return new Field(name, FieldType.nullable(type), null);
    }

    /** Frame {@code n}: pixel (y, x) is {@code 1000 n + 10 y + x}, and the last pixel is 65535. */
    private static List<List<Integer>> image(int n, int height, int width) {
        List<List<Integer>> image = new ArrayList<>();
        for (int y = 0; y < height; y++) {
            int row = y;
            image.add(IntStream.range(0, width)
                    .mapToObj(x -> row == height - 1 && x == width - 1 ? 65535 : 1000 * n + 10 * row + x).toList());
        }
        return image;
    }

    private static List<Long> longs(VectorSchemaRoot batch, String column) {
        BaseIntVector vector = (BaseIntVector) batch.getVector(column);
        return IntStream.range(0, batch.getRowCount()).mapToObj(vector::getValueAsLong).toList();
    }
}
