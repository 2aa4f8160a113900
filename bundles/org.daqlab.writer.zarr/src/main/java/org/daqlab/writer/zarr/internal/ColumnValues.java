package org.daqlab.writer.zarr.internal;

import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.ExtensionTypeVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;

import java.nio.ByteBuffer;

/**
 * Copies rows of an Arrow column into a chunk buffer as Zarr stores them: little-endian values one
 * after the other (Arrow's own layout, so one bulk copy out of Arrow's memory), booleans one byte
 * each, and what Zarr cannot mark as missing replaced: null floats by NaN, null integers, booleans
 * and frames by 0.
 */
final class ColumnValues {

    private static final byte[] ZEROS = new byte[64 * 1024];

    private ColumnValues() {
    }

    /**
     * Copies rows {@code [from, from + n)} of {@code vector} to the little-endian {@code chunk} at byte {@code at}.
     *
     * @return whether any of them was null and became 0 (not NaN): the writer reports it once
     */
    static boolean copy(FieldVector vector, ColumnLayout layout, int from, int n, ByteBuffer chunk, int at) {
        return switch (layout.kind()) {
            case FIXED -> copyFixed((BaseFixedWidthVector) vector, layout.type(), from, n, chunk, at);
            case BOOLEAN -> copyBooleans(vector, from, n, chunk, at);
            case TENSOR -> copyTensors(vector, layout, from, n, chunk, at);
        };
    }

    private static boolean copyFixed(BaseFixedWidthVector vector, ElementType type, int from, int n, ByteBuffer chunk, int at) {
        int size = type.size;
        vector.getDataBuffer().getBytes((long) from * size, chunk.duplicate().position(at).limit(at + n * size));
        if (vector.getNullCount() == 0) {
            return false;
        }
        boolean zeroed = false;
        for (int i = 0; i < n; i++) {
            if (vector.isNull(from + i)) {
                int offset = at + i * size;
                switch (type) {
                    case FLOAT16 -> chunk.putShort(offset, (short) 0x7E00);
                    case FLOAT32 -> chunk.putFloat(offset, Float.NaN);
                    case FLOAT64 -> chunk.putDouble(offset, Double.NaN);
                    default -> {
                        // Arrow leaves the value under a null undefined
                        zero(chunk, offset, size);
                        zeroed = true;
                    }
                }
            }
        }
        return zeroed;
    }

    private static boolean copyBooleans(FieldVector vector, int from, int n, ByteBuffer chunk, int at) {
        boolean zeroed = false;
        for (int i = 0; i < n; i++) {
            boolean isNull = vector.isNull(from + i);
            zeroed |= isNull;
            chunk.put(at + i, isNull ? 0 : (byte) BitVectorHelper.get(vector.getDataBuffer(), from + i));
        }
        return zeroed;
    }

    private static boolean copyTensors(FieldVector vector, ColumnLayout layout, int from, int n, ByteBuffer chunk, int at) {
        FixedSizeListVector list = storage(vector);
        int rowBytes = layout.rowBytes();
        ((FieldVector) list.getDataVector()).getDataBuffer().getBytes((long) from * rowBytes,
                chunk.duplicate().position(at).limit(at + n * rowBytes));
        if (list.getNullCount() == 0) {
            return false;
        }
        boolean zeroed = false;
        for (int i = 0; i < n; i++) {
            if (list.isNull(from + i)) {
                zero(chunk, at + i * rowBytes, rowBytes);
                zeroed = true;
            }
        }
        return zeroed;
    }

    /** Zeroes {@code length} bytes of {@code buffer} from {@code offset}. */
    static void zero(ByteBuffer buffer, int offset, int length) {
        for (int done = 0; done < length; done += ZEROS.length) {
            buffer.put(offset + done, ZEROS, 0, Math.min(ZEROS.length, length - done));
        }
    }

    /** The fixed-size list under a tensor column, whether or not its extension type was registered. */
    private static FixedSizeListVector storage(ValueVector vector) {
        return vector instanceof ExtensionTypeVector<?> extension ? (FixedSizeListVector) extension.getUnderlyingVector()
                : (FixedSizeListVector) vector;
    }
}
