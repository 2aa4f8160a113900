package org.daqlab.writer.zarr.internal;

import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.ExtensionTypeVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;

import java.util.Arrays;

/**
 * Copies rows of an Arrow column into a chunk buffer as Zarr stores them: little-endian values one
 * after the other (Arrow's own layout, so one bulk copy out of Arrow's memory), booleans one byte
 * each, and what Zarr cannot mark as missing replaced: null floats by NaN, null integers, booleans
 * and frames by 0.
 */
final class ColumnValues {

    private ColumnValues() {
    }

    /**
     * Copies rows {@code [from, from + n)} of {@code vector} to {@code chunk} at byte {@code at}.
     *
     * @return whether any of them was null and became 0 (not NaN): the writer reports it once
     */
    static boolean copy(FieldVector vector, ColumnLayout layout, int from, int n, byte[] chunk, int at) {
        return switch (layout.kind()) {
            case FIXED -> copyFixed((BaseFixedWidthVector) vector, layout.type(), from, n, chunk, at);
            case BOOLEAN -> copyBooleans(vector, from, n, chunk, at);
            case TENSOR -> copyTensors(vector, layout, from, n, chunk, at);
        };
    }

    private static boolean copyFixed(BaseFixedWidthVector vector, ElementType type, int from, int n, byte[] chunk, int at) {
        int size = type.size;
        vector.getDataBuffer().getBytes((long) from * size, chunk, at, n * size);
        if (vector.getNullCount() == 0) {
            return false;
        }
        boolean zeroed = false;
        for (int i = 0; i < n; i++) {
            if (vector.isNull(from + i)) {
                int offset = at + i * size;
                switch (type) {
                    case FLOAT16 -> putLE(chunk, offset, 0x7E00L, 2);
                    case FLOAT32 -> putLE(chunk, offset, Float.floatToRawIntBits(Float.NaN), 4);
                    case FLOAT64 -> putLE(chunk, offset, Double.doubleToRawLongBits(Double.NaN), 8);
                    default -> {
                        // Arrow leaves the value under a null undefined
                        Arrays.fill(chunk, offset, offset + size, (byte) 0);
                        zeroed = true;
                    }
                }
            }
        }
        return zeroed;
    }

    private static boolean copyBooleans(FieldVector vector, int from, int n, byte[] chunk, int at) {
        boolean zeroed = false;
        for (int i = 0; i < n; i++) {
            boolean isNull = vector.isNull(from + i);
            zeroed |= isNull;
            chunk[at + i] = isNull ? 0 : (byte) BitVectorHelper.get(vector.getDataBuffer(), from + i);
        }
        return zeroed;
    }

    private static boolean copyTensors(FieldVector vector, ColumnLayout layout, int from, int n, byte[] chunk, int at) {
        FixedSizeListVector list = storage(vector);
        int rowBytes = layout.rowBytes();
        ((FieldVector) list.getDataVector()).getDataBuffer().getBytes((long) from * rowBytes, chunk, at, n * rowBytes);
        if (list.getNullCount() == 0) {
            return false;
        }
        boolean zeroed = false;
        for (int i = 0; i < n; i++) {
            if (list.isNull(from + i)) {
                Arrays.fill(chunk, at + i * rowBytes, at + (i + 1) * rowBytes, (byte) 0);
                zeroed = true;
            }
        }
        return zeroed;
    }

    /** The fixed-size list under a tensor column, whether or not its extension type was registered. */
    private static FixedSizeListVector storage(ValueVector vector) {
        return vector instanceof ExtensionTypeVector<?> extension ? (FixedSizeListVector) extension.getUnderlyingVector()
                : (FixedSizeListVector) vector;
    }

    private static void putLE(byte[] bytes, int at, long value, int size) {
        for (int b = 0; b < size; b++) {
            bytes[at + b] = (byte) (value >>> (8 * b));
        }
    }
}
