package org.daqlab.writer.hdf5.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampNanoTZVector;
import org.apache.arrow.vector.TinyIntVector;
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
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.FixedShapeTensorVector;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.StreamDescriptor;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Streams of every supported type, with values that are a function of the row number, so that a test
 * can check any row of a file read back: {@link #POWER} (scalars of many types, a null, an
 * unsupported list column), {@link #ADC} (wide float64 channels with ranges), {@link #CAMERA} (uint16 frames).
 */
final class TestBatches {

    static final int HEIGHT = 6;
    static final int WIDTH = 8;

    static final StreamDescriptor POWER = new StreamDescriptor("power_meter_01", "pm-01", StreamSchemas.schema(
            "power_meter_01", "pm-01", List.of(
                    StreamSchemas.float64("power", "W"),
                    StreamSchemas.utf8("note"),
                    new Field("ok", FieldType.notNullable(ArrowType.Bool.INSTANCE), null),
                    new Field("count", FieldType.notNullable(new ArrowType.Int(64, false)), null),
                    new Field("half", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.HALF)), null),
                    new Field("small", FieldType.notNullable(new ArrowType.Int(8, true)), null),
                    new Field("at", FieldType.notNullable(new ArrowType.Timestamp(TimeUnit.NANOSECOND, "UTC")), null),
                    new Field("spectrum", FieldType.nullable(ArrowType.List.INSTANCE),
                            List.of(new Field("item", FieldType.nullable(new ArrowType.Int(32, true)), null)))),
            Map.of("model", "PM100D")), Map.of("model", "PM100D", "wavelength_nm", 1064L));

    static final StreamDescriptor ADC = new StreamDescriptor("adc0", "adc0", StreamSchemas.schema("adc0", "adc0",
            List.of(StreamSchemas.float64("ch0", "V", -10, 10), StreamSchemas.float64("ch1", "V", -10, 10),
                    StreamSchemas.float64("ch2", "V", -5, 5)), Map.of()), Map.of("sample_rate_hz", 100000.0));

    static final StreamDescriptor CAMERA = new StreamDescriptor("camera0", "cam0", StreamSchemas.schema("camera0", "cam0",
            List.of(StreamSchemas.int64("frame_number"), StreamSchemas.frame("frame", 16, HEIGHT, WIDTH)), Map.of()),
            Map.of("bit_depth", 16L));

    private TestBatches() {
    }

    static double power(long row) {
        return row % 7 == 3 ? Double.NaN : row * 0.001 - 1.5;
    }

    static double adc(int channel, long row) {
        return Math.sin(row * 0.01 + channel) * (channel + 1);
    }

    static int pixel(long frame, int y, int x) {
        return (int) ((frame * 31 + y * WIDTH + x) & 0xFFFF);
    }

    static long timestamp(long row) {
        return 1_769_351_565_000_000_000L + row * 1_000_000L;
    }

    /** Rows {@code first…first+rows-1} of the power stream; row 3 mod 7 has a null power. */
    static VectorSchemaRoot power(BufferAllocator allocator, long first, int rows) {
        VectorSchemaRoot root = VectorSchemaRoot.create(POWER.schema(), allocator);
        root.allocateNew();
        for (int i = 0; i < rows; i++) {
            long row = first + i;
            ((BigIntVector) root.getVector(0)).setSafe(i, timestamp(row));
            if (Double.isNaN(power(row))) {
                ((Float8Vector) root.getVector(1)).setNull(i);
            } else {
                ((Float8Vector) root.getVector(1)).setSafe(i, power(row));
            }
            ((VarCharVector) root.getVector(2)).setSafe(i, note(row).getBytes(StandardCharsets.UTF_8));
            ((BitVector) root.getVector(3)).setSafe(i, row % 2 == 0 ? 1 : 0);
            ((UInt8Vector) root.getVector(4)).setSafe(i, Long.MAX_VALUE - row);
            ((Float2Vector) root.getVector(5)).setSafeWithPossibleTruncate(i, row * 0.5f);
            ((TinyIntVector) root.getVector(6)).setSafe(i, (byte) (row % 256 - 128));
            ((TimeStampNanoTZVector) root.getVector(7)).setSafe(i, timestamp(row) + 1);
            ListVector list = (ListVector) root.getVector(8);
            list.startNewValue(i);
            list.endValue(i, 0);
        }
        root.setRowCount(rows);
        return root;
    }

    static String note(long row) {
        return row % 5 == 0 ? "" : "größe " + row + "µm".repeat((int) (row % 4));
    }

    static VectorSchemaRoot adc(BufferAllocator allocator, long first, int rows) {
        VectorSchemaRoot root = VectorSchemaRoot.create(ADC.schema(), allocator);
        root.allocateNew();
        for (int i = 0; i < rows; i++) {
            long row = first + i;
            ((BigIntVector) root.getVector(0)).setSafe(i, timestamp(row));
            for (int c = 0; c < 3; c++) {
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
                    ((org.apache.arrow.vector.UInt2Vector) pixels).setSafe((i * HEIGHT + y) * WIDTH + x, pixel(frame, y, x));
                }
            }
        }
        root.setRowCount(frames);
        return root;
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
}
