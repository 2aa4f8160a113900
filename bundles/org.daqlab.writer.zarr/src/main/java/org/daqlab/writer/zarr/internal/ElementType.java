package org.daqlab.writer.zarr.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * The element types of Zarr arrays this writer makes, with their names in Zarr v3
 * ({@code data_type}) and v2 ({@code dtype}, numpy's typestr), all little endian.
 */
enum ElementType {
    BOOL(1, "bool", "|b1"),
    INT8(1, "int8", "|i1"),
    INT16(2, "int16", "<i2"),
    INT32(4, "int32", "<i4"),
    INT64(8, "int64", "<i8"),
    UINT8(1, "uint8", "|u1"),
    UINT16(2, "uint16", "<u2"),
    UINT32(4, "uint32", "<u4"),
    UINT64(8, "uint64", "<u8"),
    FLOAT16(2, "float16", "<f2"),
    FLOAT32(4, "float32", "<f4"),
    FLOAT64(8, "float64", "<f8");

    /** Bytes per element. */
    final int size;
    /** The v3 {@code data_type}. */
    final String v3;
    /** The v2 {@code dtype}. */
    final String v2;

    ElementType(int size, String v3, String v2) {
        this.size = size;
        this.v3 = v3;
        this.v2 = v2;
    }

    boolean isFloat() {
        return this == FLOAT16 || this == FLOAT32 || this == FLOAT64;
    }

    /**
     * The v3 fill value, which readers return for rows of a chunk that were never written and which
     * null floats become: NaN for floats (as Zarr spells it in JSON), false, 0. (xarray does not take
     * a v3 fill value for a missing-value marker.)
     */
    JsonNode v3FillValue() {
        return isFloat() ? TextNode.valueOf("NaN") : this == BOOL ? BooleanNode.FALSE : IntNode.valueOf(0);
    }

    /**
     * The v2 fill value: NaN for floats, none ({@code null}) for integers and booleans. xarray takes a
     * v2 fill value for a missing-value marker: with 0 it would turn every integer array into floats
     * (frames into float32, {@code timestamp_ns} into float64, losing its nanoseconds) and mask the
     * zeros. Every chunk within an array's shape is written, so no reader needs the fill value.
     */
    JsonNode v2FillValue() {
        return isFloat() ? TextNode.valueOf("NaN") : NullNode.getInstance();
    }

    /** The element type of an Arrow integer or floating-point type, or {@code null} for any other. */
    static ElementType of(ArrowType type) {
        if (type instanceof ArrowType.Int i) {
            return switch (i.getBitWidth()) {
                case 8 -> i.getIsSigned() ? INT8 : UINT8;
                case 16 -> i.getIsSigned() ? INT16 : UINT16;
                case 32 -> i.getIsSigned() ? INT32 : UINT32;
                case 64 -> i.getIsSigned() ? INT64 : UINT64;
                default -> null;
            };
        }
        if (type instanceof ArrowType.FloatingPoint f) {
            return f.getPrecision() == FloatingPointPrecision.HALF ? FLOAT16
                    : f.getPrecision() == FloatingPointPrecision.SINGLE ? FLOAT32 : FLOAT64;
        }
        return null;
    }
}
