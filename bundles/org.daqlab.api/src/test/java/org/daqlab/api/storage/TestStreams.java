package org.daqlab.api.storage;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.Float16;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TimeStampNanoTZVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.FixedShapeTensorType;
import org.daqlab.api.data.FixedShapeTensorVector;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.StreamDescriptor;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * The three simulated instruments' shapes, with values that are a function of the row number, so
 * that a test can check any row of a file read back: {@link #POWER} (scalars of every integer and
 * float width, nulls, utf8, bool, timestamps), {@link #ADC} (16 float64 channels with units and
 * ranges), {@link #CAMERA} (uint16 frames, {@code arrow.fixed_shape_tensor}).
 * {@link #expected} gives each column's value of a row as published (null where it is null); each
 * writer's tests turn it into what their reader shows.
 */
public final class TestStreams {

    public static final int CHANNELS = 16;
    public static final int HEIGHT = 48;
    public static final int WIDTH = 64;
    public static final long T0 = 1_769_351_565_000_000_000L;

    public static final StreamDescriptor POWER = new StreamDescriptor("power_meter_01", "pm-01", StreamSchemas.schema(
            "power_meter_01", "pm-01", List.of(
                    nullable("power", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), "W"),
                    StreamSchemas.utf8("note"),
                    new Field("ok", FieldType.notNullable(ArrowType.Bool.INSTANCE), null),
                    notNull("i8", new ArrowType.Int(8, true)),
                    notNull("i16", new ArrowType.Int(16, true)),
                    nullable("i32", new ArrowType.Int(32, true), null),
                    notNull("i64", new ArrowType.Int(64, true)),
                    notNull("u8", new ArrowType.Int(8, false)),
                    notNull("u16", new ArrowType.Int(16, false)),
                    notNull("u32", new ArrowType.Int(32, false)),
                    notNull("u64", new ArrowType.Int(64, false)),
                    notNull("f16", new ArrowType.FloatingPoint(FloatingPointPrecision.HALF)),
                    nullable("f32", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), "dBm"),
                    notNull("at", new ArrowType.Timestamp(TimeUnit.NANOSECOND, "UTC")),
                    notNull("at_us", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null))),
            Map.of("model", "PM100D", "serial", "P0012345")), Map.of("model", "PM100D", "wavelength_nm", 1064L));

    public static final StreamDescriptor ADC = adc(CHANNELS);

    public static final StreamDescriptor CAMERA = new StreamDescriptor("camera0", "cam0", StreamSchemas.schema("camera0", "cam0",
            List.of(StreamSchemas.int64("frame_number"), StreamSchemas.frame("frame", 16, HEIGHT, WIDTH)), Map.of()),
            Map.of("bit_depth", 12L, "exposure_s", 0.005));

    private TestStreams() {
    }

    /** An ADC stream with {@code channels} float64 channels ch0… in V, ranges ±(c+1) V. */
    public static StreamDescriptor adc(int channels) {
        List<Field> fields = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            fields.add(StreamSchemas.float64("ch" + c, "V", -(c + 1), c + 1));
        }
        return new StreamDescriptor("adc0", "adc0", StreamSchemas.schema("adc0", "adc0", fields, Map.of("channels",
                Integer.toString(channels))), Map.of("sample_rate_hz", 100000.0));
    }

    private static Field notNull(String name, ArrowType type) {
        return new Field(name, FieldType.notNullable(type), null);
    }

    private static Field nullable(String name, ArrowType type, String unit) {
        return new Field(name, new FieldType(true, type, null, unit == null ? null : Map.of(StreamSchemas.UNIT, unit)), null);
    }

    public static long timestamp(long row) {
        return T0 + row * 1_000_000L + row % 997;
    }

    public static String note(long row) {
        return row % 5 == 0 ? "" : "größe " + row + " µm".repeat((int) (row % 4)) + (row % 11 == 1 ? " ✓\n\"quoted\", tab\t" : "");
    }

    public static double adcValue(int channel, long row) {
        return Math.sin(row * 0.001 * (channel + 1) + channel) * (channel + 1);
    }

    public static int pixel(long frame, int index) {
        return (int) ((frame * 7919 + index * 31L + (index % WIDTH) * (frame % 13)) & 0xFFFF);
    }

    /**
     * Each column's value of a row as a reader should see it: Long, BigInteger (uint64), Double,
     * Float, Boolean, String, {@link Frame}, or null.
     */
    public static Map<String, LongFunction<Object>> expected(StreamDescriptor stream) {
        Map<String, LongFunction<Object>> columns = new LinkedHashMap<>();
        columns.put(StreamSchemas.TIMESTAMP_NS, TestStreams::timestamp);
        switch (stream.stream()) {
            case "power_meter_01" -> {
                columns.put("power", r -> r % 7 == 3 ? null : r * 1e-3 - 1.5);
                columns.put("note", TestStreams::note);
                columns.put("ok", r -> r % 3 == 0);
                columns.put("i8", r -> (long) (byte) (r * 37));
                columns.put("i16", r -> (long) (short) (r * 7919));
                columns.put("i32", r -> r % 5 == 2 ? null : (long) (int) (r * 104_729 - 1_000_000_000L));
                columns.put("i64", r -> r % 2 == 0 ? Long.MIN_VALUE + r : Long.MAX_VALUE - r);
                columns.put("u8", r -> (r * 13) & 0xFF);
                columns.put("u16", r -> (r * 4093) & 0xFFFF);
                columns.put("u32", r -> (0xFFFF_FFFFL - r * 65_537) & 0xFFFF_FFFFL);
                columns.put("u64", r -> new BigInteger(Long.toUnsignedString(-1L - r * 1_000_003L)));
                columns.put("f16", r -> (double) Float16.toFloat(Float16.toFloat16((r % 1000) * 0.25f)));
                columns.put("f32", r -> r % 9 == 4 ? null : (float) (r * 0.1f - 3.25f));
                columns.put("at", r -> timestamp(r) + 17);
                columns.put("at_us", r -> timestamp(r) / 1000);
            }
            case "adc0" -> {
                for (int c = 0; c < stream.schema().getFields().size() - 1; c++) {
                    int channel = c;
                    columns.put("ch" + c, r -> adcValue(channel, r));
                }
            }
            case "camera0" -> {
                columns.put("frame_number", r -> r);
                int size = ((FixedShapeTensorType) stream.schema().findField("frame").getType()).elementCount();
                columns.put("frame", r -> Frame.of(r, size));
            }
            default -> throw new IllegalArgumentException(stream.stream());
        }
        return columns;
    }

    /** A batch of rows {@code first … first+rows-1} of {@code stream}. */
    public static VectorSchemaRoot batch(StreamDescriptor stream, BufferAllocator allocator, long first, int rows) {
        return batch(stream.schema(), expected(stream), allocator, first, rows);
    }

    /** A batch of {@code schema} (a stream's or a subset of its columns), filled from {@code values}. */
    public static VectorSchemaRoot batch(Schema schema, Map<String, LongFunction<Object>> values, BufferAllocator allocator,
            long first, int rows) {
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        root.allocateNew();
        for (FieldVector vector : root.getFieldVectors()) {
            LongFunction<Object> value = values.get(vector.getName());
            if (vector instanceof FixedShapeTensorVector tensor) {
                fillFrames(tensor, first, rows);
                continue;
            }
            for (int i = 0; i < rows; i++) {
                set(vector, i, value.apply(first + i), first + i);
            }
            vector.setValueCount(rows);
        }
        root.setRowCount(rows);
        return root;
    }

    private static void set(FieldVector vector, int i, Object value, long row) {
        if (value == null) {
            vector.setNull(i);
            return;
        }
        if (vector instanceof BigIntVector v) {
            v.setSafe(i, (Long) value);
        } else if (vector instanceof Float8Vector v) {
            v.setSafe(i, (Double) value);
        } else if (vector instanceof VarCharVector v) {
            v.setSafe(i, ((String) value).getBytes(StandardCharsets.UTF_8));
        } else if (vector instanceof BitVector v) {
            v.setSafe(i, (Boolean) value ? 1 : 0);
        } else if (vector instanceof TinyIntVector v) {
            v.setSafe(i, (byte) (long) (Long) value);
        } else if (vector instanceof SmallIntVector v) {
            v.setSafe(i, (short) (long) (Long) value);
        } else if (vector instanceof IntVector v) {
            v.setSafe(i, (int) (long) (Long) value);
        } else if (vector instanceof UInt1Vector v) {
            v.setSafe(i, (byte) (long) (Long) value);
        } else if (vector instanceof UInt2Vector v) {
            v.setSafe(i, (char) (long) (Long) value);
        } else if (vector instanceof UInt4Vector v) {
            v.setSafe(i, (int) (long) (Long) value);
        } else if (vector instanceof UInt8Vector v) {
            v.setSafe(i, ((BigInteger) value).longValue());
        } else if (vector instanceof Float2Vector v) {
            v.setSafe(i, Float16.toFloat16((float) (double) (Double) value));
        } else if (vector instanceof Float4Vector v) {
            v.setSafe(i, (Float) value);
        } else if (vector instanceof TimeStampNanoTZVector v) {
            v.setSafe(i, (Long) value);
        } else if (vector instanceof TimeStampMicroVector v) {
            v.setSafe(i, (Long) value);
        } else {
            throw new IllegalArgumentException("no test values for " + vector.getClass().getSimpleName() + " (row " + row + ")");
        }
    }

    private static void fillFrames(FixedShapeTensorVector tensor, long first, int frames) {
        FixedSizeListVector list = tensor.getUnderlyingVector();
        UInt2Vector pixels = (UInt2Vector) tensor.pixelVector();
        int size = tensor.tensorType().elementCount();
        list.setValueCount(frames);
        for (int i = 0; i < frames; i++) {
            list.setNotNull(i);
            for (int p = 0; p < size; p++) {
                pixels.setSafe(i * size + p, pixel(first + i, p));
            }
        }
        pixels.setValueCount(frames * size);
    }

    /** A camera stream like {@link #CAMERA} whose frames are {@code height × width}. */
    public static StreamDescriptor camera(int height, int width) {
        return new StreamDescriptor("camera0", "cam0", StreamSchemas.schema("camera0", "cam0",
                List.of(StreamSchemas.int64("frame_number"), StreamSchemas.frame("frame", 16, height, width)), Map.of()),
                CAMERA.metadata());
    }

    /** What a reader reports of a frame: pixel count, sum, sum of (i + 1) * pixel, first and last pixel. */
    public record Frame(int length, long sum, long weighted, int first, int last) {
        public static Frame of(long frame) {
            return of(frame, HEIGHT * WIDTH);
        }

        public static Frame of(long frame, int size) {
            long sum = 0;
            long weighted = 0;
            for (int p = 0; p < size; p++) {
                sum += pixel(frame, p);
                weighted += (p + 1L) * pixel(frame, p);
            }
            return new Frame(size, sum, weighted, pixel(frame, 0), pixel(frame, size - 1));
        }
    }
}
