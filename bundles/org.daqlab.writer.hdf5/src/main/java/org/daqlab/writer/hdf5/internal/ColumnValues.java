package org.daqlab.writer.hdf5.internal;

import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.ExtensionTypeVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;

import java.nio.ByteBuffer;

/**
 * Copies rows of an Arrow column into the stored byte layout of its dataset: fixed-width values
 * (and tensors, whose pixels are one contiguous buffer) are copied byte for byte, since Arrow and
 * the datasets are both little endian; bools become one byte each; nulls become 0 or NaN.
 */
final class ColumnValues {

    private ColumnValues() {
    }

    /**
     * Copies {@code rows} rows from row {@code from} of {@code vector} to {@code dst} (heap or direct,
     * little endian) at {@code dstOffset}; {@code dst}'s position and limit are not used or changed.
     *
     * @throws IllegalArgumentException if the vector does not hold what the layout expects
     */
    static void copy(FieldVector vector, ColumnLayout layout, int from, int rows, ByteBuffer dst, int dstOffset) {
        if (layout.type() == ElementType.BOOL) {
            BitVector bits = cast(vector, BitVector.class, layout);
            for (int i = 0; i < rows; i++) {
                dst.put(dstOffset + i, (byte) (bits.isNull(from + i) ? 0 : bits.get(from + i)));
            }
            return;
        }
        BaseFixedWidthVector fixed = fixedWidth(vector, layout);
        int rowBytes = layout.rowBytes();
        int bytes = Math.multiplyExact(rows, rowBytes);
        fixed.getDataBuffer().getBytes((long) from * rowBytes, dst.duplicate().limit(dstOffset + bytes).position(dstOffset));
        if (vector.getNullCount() > 0) {
            blankNulls(vector, layout, from, rows, dst, dstOffset);
        }
    }

    /**
     * The stored bytes of {@code rows} rows from row {@code from}, as a view of the vector's own
     * buffer, or null when they are not stored byte for byte (bools, or rows with nulls to blank).
     * Valid while the vector is.
     */
    static ByteBuffer view(FieldVector vector, ColumnLayout layout, int from, int rows) {
        if (layout.type() == ElementType.BOOL || vector.getNullCount() > 0) {
            return null;
        }
        BaseFixedWidthVector fixed = fixedWidth(vector, layout);
        int rowBytes = layout.rowBytes();
        return fixed.getDataBuffer().nioBuffer((long) from * rowBytes, Math.multiplyExact(rows, rowBytes));
    }

    /** The UTF-8 bytes of row {@code row} of a utf8 column (empty for null). */
    static byte[] utf8(FieldVector vector, int row, ColumnLayout layout) {
        VarCharVector strings = cast(vector, VarCharVector.class, layout);
        return strings.isNull(row) ? new byte[0] : strings.get(row);
    }

    /** Null rows hold arbitrary bytes in Arrow: store 0, or NaN for floats, as FORMAT.md promises. */
    private static void blankNulls(FieldVector vector, ColumnLayout layout, int from, int rows, ByteBuffer dst, int dstOffset) {
        int rowBytes = layout.rowBytes();
        for (int i = 0; i < rows; i++) {
            if (!vector.isNull(from + i)) {
                continue;
            }
            int at = dstOffset + i * rowBytes;
            switch (layout.type()) {
                case FLOAT64 -> { for (int v = 0; v < rowBytes; v += 8) dst.putDouble(at + v, Double.NaN); }
                case FLOAT32 -> { for (int v = 0; v < rowBytes; v += 4) dst.putFloat(at + v, Float.NaN); }
                case FLOAT16 -> { for (int v = 0; v < rowBytes; v += 2) dst.putShort(at + v, (short) 0x7E00); }
                default -> { for (int v = 0; v < rowBytes; v++) dst.put(at + v, (byte) 0); }
            }
        }
    }

    /** The vector holding a column's fixed-width values (a tensor's pixels), checked against the layout. */
    private static BaseFixedWidthVector fixedWidth(FieldVector vector, ColumnLayout layout) {
        BaseFixedWidthVector fixed = cast(tensorValues(vector), BaseFixedWidthVector.class, layout);
        if (fixed.getTypeWidth() != layout.type().size()) {
            throw new IllegalArgumentException("column '" + layout.dataset() + "' has " + fixed.getTypeWidth()
                    + "-byte values where " + layout.type() + " was described");
        }
        return fixed;
    }

    /** A tensor column's pixel vector, or the vector itself. */
    private static ValueVector tensorValues(FieldVector vector) {
        ValueVector v = vector instanceof ExtensionTypeVector<?> extension ? extension.getUnderlyingVector() : vector;
        return v instanceof FixedSizeListVector list ? list.getDataVector() : v;
    }

    private static <T> T cast(ValueVector vector, Class<T> type, ColumnLayout layout) {
        if (!type.isInstance(vector)) {
            throw new IllegalArgumentException("column '" + layout.dataset() + "' is a " + vector.getClass().getSimpleName()
                    + " where " + layout.type() + " was described");
        }
        return type.cast(vector);
    }
}
