package org.daqlab.writer.zarr.internal;

import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.daqlab.api.data.FixedShapeTensorType;

import java.util.Arrays;

/**
 * How one Arrow column is stored as a Zarr array: its element type and the shape of one row's value
 * ({@code []} for scalars, {@code [H, W]} for frames). Timestamps are int64 in their Arrow unit.
 *
 * @param kind     how values are copied out of the Arrow vector
 * @param type     element type
 * @param rowShape shape of one row's value
 * @param timeUnit for timestamps, the Arrow unit; else {@code null}
 * @param timeZone for timestamps, the Arrow time zone (may be {@code null}); else {@code null}
 */
record ColumnLayout(Kind kind, ElementType type, long[] rowShape, TimeUnit timeUnit, String timeZone) {

    /** How values are read from Arrow. */
    enum Kind {
        /** A fixed-width vector whose data buffer holds the values as they are stored. */
        FIXED,
        /** Arrow's bit-packed booleans, one byte per value in Zarr. */
        BOOLEAN,
        /** {@code arrow.fixed_shape_tensor}: the pixel vector's buffer holds each row's values one after the other. */
        TENSOR
    }

    /** Elements of one row's value. */
    int rowElements() {
        return Math.toIntExact(Arrays.stream(rowShape).reduce(1, Math::multiplyExact));
    }

    /** Bytes of one row's value. */
    int rowBytes() {
        return Math.multiplyExact(rowElements(), type.size);
    }

    boolean isTensor() {
        return kind == Kind.TENSOR;
    }

    /**
     * The layout of {@code field}.
     *
     * @throws UnsupportedOperationException naming the type, when Zarr arrays here cannot hold it
     */
    static ColumnLayout of(Field field) {
        ArrowType type = field.getType();
        if (type instanceof FixedShapeTensorType tensor) {
            ElementType element = field.getChildren().size() == 1 ? ElementType.of(field.getChildren().get(0).getType()) : null;
            if (element == null) {
                throw new UnsupportedOperationException("a tensor of " + (field.getChildren().isEmpty() ? "unknown values"
                        : field.getChildren().get(0).getType()) + ": frames must hold integers or floats");
            }
            return new ColumnLayout(Kind.TENSOR, element, tensor.shape(), null, null);
        }
        if (type instanceof ArrowType.Bool) {
            return new ColumnLayout(Kind.BOOLEAN, ElementType.BOOL, new long[0], null, null);
        }
        if (type instanceof ArrowType.Timestamp t) {
            return new ColumnLayout(Kind.FIXED, ElementType.INT64, new long[0], t.getUnit(), t.getTimezone());
        }
        ElementType element = ElementType.of(type);
        if (element == null) {
            throw new UnsupportedOperationException("Zarr arrays here hold integers, floats, booleans, timestamps and "
                    + "frames (arrow.fixed_shape_tensor); use the Parquet, Arrow or HDF5 writer for this column");
        }
        return new ColumnLayout(Kind.FIXED, element, new long[0], null, null);
    }
}
