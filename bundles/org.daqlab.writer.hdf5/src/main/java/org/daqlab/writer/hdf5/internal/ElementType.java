package org.daqlab.writer.hdf5.internal;

import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.datatype.StringData;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The HDF5 element type of a dataset, with a stable code for the journal. Values are stored little
 * endian, byte for byte as Arrow holds them (bool is expanded to one byte, strings are fixed length).
 */
enum ElementType {
    INT8(1, true), INT16(2, true), INT32(4, true), INT64(8, true),
    UINT8(1, false), UINT16(2, false), UINT32(4, false), UINT64(8, false),
    FLOAT16(2, true), FLOAT32(4, true), FLOAT64(8, true),
    /** Arrow bool, stored as uint8 0/1. */
    BOOL(1, false),
    /** Arrow utf8, stored as fixed-length null-terminated UTF-8; the width is chosen when the file is built. */
    UTF8(0, false);

    private final int size;
    private final boolean signed;

    ElementType(int size, boolean signed) {
        this.size = size;
        this.signed = signed;
    }

    /** Bytes per element (for UTF8 see {@link #stringType}). */
    int size() {
        return size;
    }

    /** The integer type of the given width and signedness. */
    static ElementType integer(int bitWidth, boolean signed) {
        return switch (bitWidth) {
            case 8 -> signed ? INT8 : UINT8;
            case 16 -> signed ? INT16 : UINT16;
            case 32 -> signed ? INT32 : UINT32;
            case 64 -> signed ? INT64 : UINT64;
            default -> throw new IllegalArgumentException("no " + bitWidth + "-bit integer");
        };
    }

    /** The jhdf data type of a numeric or bool element. */
    DataType dataType() {
        return switch (this) {
            case FLOAT32 -> FloatingPoint.FLOAT;
            case FLOAT64 -> FloatingPoint.DOUBLE;
            case FLOAT16 -> halfFloat();
            case UTF8 -> throw new IllegalStateException("strings need their width: use stringType");
            default -> new FixedPoint(size, signed);
        };
    }

    /** A fixed-length UTF-8 string type holding {@code maxBytes} bytes plus the terminating NUL. */
    static DataType stringType(int maxBytes) {
        return StringData.create(new String[] {"x".repeat(Math.max(1, maxBytes))});
    }

    /**
     * IEEE 754 binary16: jhdf has no constant for it, so the type is read from its datatype-message
     * encoding (class 1 version 1, little endian, sign bit 15, exponent 10+5 bias 15, mantissa 0+10).
     */
    private static DataType halfFloat() {
        ByteBuffer encoded = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        encoded.put((byte) 0x11).put((byte) 0x20).put((byte) 0x0F).put((byte) 0x00);
        encoded.putInt(2);
        encoded.putShort((short) 0).putShort((short) 16);
        encoded.put((byte) 10).put((byte) 5).put((byte) 0).put((byte) 10);
        encoded.putInt(15);
        encoded.flip();
        return DataType.readDataType(encoded);
    }
}
