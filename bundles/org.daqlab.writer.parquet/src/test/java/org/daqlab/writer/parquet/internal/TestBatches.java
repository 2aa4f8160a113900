package org.daqlab.writer.parquet.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.TimeStampNanoTZVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.daqlab.api.data.FixedShapeTensorVector;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The three simulated instruments' streams, with values that are a function of the row number so
 * that a test can check any row read back: {@link #POWER} (scalars of every integer and float width,
 * bool, utf8, timestamps, nulls, and a list column the writer does not support), {@link #ADC} (wide
 * float64 channels with units and ranges), {@link #CAMERA} (uint16 frames).
 */
final class TestBatches {

    static final long T0 = 1_769_351_565_000_000_000L;
    static final RunStart RUN = new RunStart("6f1c2a4e-0d7b-4c39-9a53-2f7e8b1d0c55", T0, "wavelength_scan",
            Map.of("operator", "ada", "sample", "Si-7"));
    static final RunStop STOP = new RunStop(RUN.uid(), T0 + 60_000_000_000L, RunStop.ExitStatus.SUCCESS, "test", Map.of());

    static final int HEIGHT = 6;
    static final int WIDTH = 8;
    static final int ADC_CHANNELS = 16;

    static final StreamDescriptor POWER = new StreamDescriptor("power_meter_01", "pm-01", StreamSchemas.schema(
            "power_meter_01", "pm-01", List.of(
                    new Field("power", new FieldType(true, new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), null,
                            Map.of(StreamSchemas.UNIT, "W")), null),
                    StreamSchemas.utf8("note"),
                    new Field("label", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                    new Field("ok", FieldType.notNullable(ArrowType.Bool.INSTANCE), null),
                    integer("i8", 8, true), integer("u8", 8, false), integer("i16", 16, true), integer("u16", 16, false),
                    integer("i32", 32, true), integer("u32", 32, false), integer("i64", 64, true), integer("u64", 64, false),
                    new Field("half", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.HALF)), null),
                    new Field("f32", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null),
                    new Field("at", FieldType.notNullable(new ArrowType.Timestamp(TimeUnit.NANOSECOND, "UTC")), null),
                    new Field("local_ms", FieldType.notNullable(new ArrowType.Timestamp(TimeUnit.MILLISECOND, null)), null),
                    new Field("spectrum", FieldType.nullable(ArrowType.List.INSTANCE),
                            List.of(new Field("item", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null)))),
            Map.of("model", "PM100D")), Map.of("model", "PM100D", "wavelength_nm", 1064L));

    static final StreamDescriptor ADC = new StreamDescriptor("adc0", "adc0", StreamSchemas.schema("adc0", "adc0",
            adcChannels(), Map.of()), Map.of("sample_rate_hz", 100000.0));

    static final StreamDescriptor CAMERA = new StreamDescriptor("camera0", "cam0", StreamSchemas.schema("camera0", "cam0",
            List.of(StreamSchemas.int64("frame_number"), StreamSchemas.frame("frame", 16, HEIGHT, WIDTH)), Map.of()),
            Map.of("bit_depth", 16L));

    private TestBatches() {
    }

    private static Field integer(String name, int bits, boolean signed) {
        return new Field(name, FieldType.notNullable(new ArrowType.Int(bits, signed)), null);
    }

    private static List<Field> adcChannels() {
        List<Field> channels = new ArrayList<>();
        for (int c = 0; c < ADC_CHANNELS; c++) {
            channels.add(StreamSchemas.float64("ch" + c, "V", -10 + c, 10 + c));
        }
        return channels;
    }

    static long timestamp(long row) {
        return T0 + row * 1_000_000L + row % 1000;
    }

    /** Null on rows 3 mod 7. */
    static Double power(long row) {
        return row % 7 == 3 ? null : row * 0.001 - 1.5;
    }

    static String note(long row) {
        return row % 5 == 0 ? "" : "größe " + row + "µm".repeat((int) (row % 4));
    }

    /** Null on rows 1 mod 4. */
    static String label(long row) {
        return row % 4 == 1 ? null : "L" + row % 9;
    }

    static boolean ok(long row) {
        return row % 2 == 0;
    }

    static byte i8(long row) {
        return (byte) (row % 256 - 128);
    }

    static int u8(long row) {
        return (int) (row * 3 % 256);
    }

    static short i16(long row) {
        return (short) (row * 7 - 30_000);
    }

    static int u16(long row) {
        return (int) (row * 13 % 65_536);
    }

    static int i32(long row) {
        return (int) (row * 100_003) - 2_000_000_000;
    }

    /** Above 2^31: readers must see it unsigned. */
    static long u32(long row) {
        return 4_000_000_000L + row;
    }

    static long i64(long row) {
        return -row * 1_000_000_007L;
    }

    /** 2^63 + row, as an unsigned decimal: readers must see it unsigned. */
    static String u64(long row) {
        return Long.toUnsignedString(Long.MIN_VALUE + row);
    }

    /** Exactly representable in binary16. */
    static float half(long row) {
        return (row % 2048) * 0.5f;
    }

    static float f32(long row) {
        return row * 0.25f;
    }

    static long at(long row) {
        return timestamp(row) + 1;
    }

    static long localMs(long row) {
        return 1_769_351_565_000L + row;
    }

    static double adc(int channel, long row) {
        return Math.sin(row * 0.01 + channel) * (channel + 1);
    }

    static int pixel(long frame, int y, int x) {
        return (int) ((frame * 31 + y * WIDTH + x) * 977 & 0xFFFF);
    }

    /** Sum of a frame's pixels. */
    static long frameSum(long frame) {
        long sum = 0;
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                sum += pixel(frame, y, x);
            }
        }
        return sum;
    }

    static VectorSchemaRoot power(BufferAllocator allocator, long first, int rows) {
        VectorSchemaRoot root = VectorSchemaRoot.create(POWER.schema(), allocator);
        root.allocateNew();
        for (int i = 0; i < rows; i++) {
            long row = first + i;
            ((BigIntVector) root.getVector(0)).setSafe(i, timestamp(row));
            Float8Vector power = (Float8Vector) root.getVector("power");
            if (power(row) == null) {
                power.setNull(i);
            } else {
                power.setSafe(i, power(row));
            }
            ((VarCharVector) root.getVector("note")).setSafe(i, note(row).getBytes(StandardCharsets.UTF_8));
            VarCharVector label = (VarCharVector) root.getVector("label");
            if (label(row) == null) {
                label.setNull(i);
            } else {
                label.setSafe(i, label(row).getBytes(StandardCharsets.UTF_8));
            }
            ((BitVector) root.getVector("ok")).setSafe(i, ok(row) ? 1 : 0);
            ((TinyIntVector) root.getVector("i8")).setSafe(i, i8(row));
            ((UInt1Vector) root.getVector("u8")).setSafe(i, u8(row));
            ((SmallIntVector) root.getVector("i16")).setSafe(i, i16(row));
            ((UInt2Vector) root.getVector("u16")).setSafe(i, u16(row));
            ((IntVector) root.getVector("i32")).setSafe(i, i32(row));
            ((UInt4Vector) root.getVector("u32")).setSafe(i, (int) u32(row));
            ((BigIntVector) root.getVector("i64")).setSafe(i, i64(row));
            ((UInt8Vector) root.getVector("u64")).setSafe(i, Long.MIN_VALUE + row);
            ((Float2Vector) root.getVector("half")).setSafeWithPossibleTruncate(i, half(row));
            ((Float4Vector) root.getVector("f32")).setSafe(i, f32(row));
            ((TimeStampNanoTZVector) root.getVector("at")).setSafe(i, at(row));
            ((TimeStampMilliVector) root.getVector("local_ms")).setSafe(i, localMs(row));
            ListVector list = (ListVector) root.getVector("spectrum");
            list.startNewValue(i);
            ((Float4Vector) list.getDataVector()).setSafe(list.getElementStartIndex(i), 1.5f);
            list.endValue(i, 1);
        }
        root.setRowCount(rows);
        return root;
    }

    static VectorSchemaRoot adc(BufferAllocator allocator, long first, int rows) {
        VectorSchemaRoot root = VectorSchemaRoot.create(ADC.schema(), allocator);
        root.allocateNew();
        for (int i = 0; i < rows; i++) {
            long row = first + i;
            ((BigIntVector) root.getVector(0)).setSafe(i, timestamp(row));
            for (int c = 0; c < ADC_CHANNELS; c++) {
                ((Float8Vector) root.getVector(c + 1)).setSafe(i, adc(c, row));
            }
        }
        root.setRowCount(rows);
        return root;
    }

    static VectorSchemaRoot camera(BufferAllocator allocator, long first, int frames) {
        VectorSchemaRoot root = VectorSchemaRoot.create(CAMERA.schema(), allocator);
        root.allocateNew();
        FixedShapeTensorVector tensor = (FixedShapeTensorVector) root.getVector(2);
        FixedSizeListVector list = (FixedSizeListVector) tensor.getUnderlyingVector();
        FieldVector pixels = tensor.pixelVector();
        list.setValueCount(frames);
        for (int i = 0; i < frames; i++) {
            long frame = first + i;
            ((BigIntVector) root.getVector(0)).setSafe(i, timestamp(frame));
            ((BigIntVector) root.getVector(1)).setSafe(i, frame);
            list.setNotNull(i);
            for (int y = 0; y < HEIGHT; y++) {
                for (int x = 0; x < WIDTH; x++) {
                    ((UInt2Vector) pixels).setSafe((i * HEIGHT + y) * WIDTH + x, pixel(frame, y, x));
                }
            }
        }
        root.setRowCount(frames);
        return root;
    }

}
