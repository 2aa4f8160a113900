package org.daqlab.writer.csv.internal;

import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VariableWidthFieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.util.ReusableByteArray;

import java.math.BigDecimal;
import com.fasterxml.jackson.core.io.NumberOutput;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The text form of every scalar Arrow type the CSV writer supports. Numbers are written so that
 * they parse back to the same value: floating point in the shortest text that round-trips
 * (Jackson's Schubfach writer; the JDK's {@code Double.toString} is only shortest from JDK 19 on,
 * e.g. JDK 17 prints 1e23 as {@code 9.999999999999999E22}), with {@code NaN}, {@code Infinity},
 * {@code -Infinity}; integers in decimal, unsigned 64-bit ones without a sign.
 */
final class ValueFormatters {

    private static final ValueFormatter FLOAT64 = (vector, row) -> NumberOutput.toString(((Float8Vector) vector).get(row), true);
    private static final ValueFormatter FLOAT32 = (vector, row) -> NumberOutput.toString(((Float4Vector) vector).get(row), true);
    private static final ValueFormatter FLOAT16 = (vector, row) -> NumberOutput.toString(((Float2Vector) vector).getValueAsFloat(row), true);
    /** Signed integers of any width and unsigned ones up to 32 bits: getValueAsLong is exact for them. */
    private static final ValueFormatter INTEGER = (vector, row) -> Long.toString(((BaseIntVector) vector).getValueAsLong(row));
    /** uint64 values above Long.MAX_VALUE come back from getValueAsLong as negative longs. */
    private static final ValueFormatter UINT64 = (vector, row) -> Long.toUnsignedString(((BaseIntVector) vector).getValueAsLong(row));
    private static final ValueFormatter BOOL = (vector, row) -> ((BitVector) vector).get(row) != 0 ? "true" : "false";
    private static final ValueFormatter DECIMAL = (vector, row) -> ((BigDecimal) vector.getObject(row)).toPlainString();
    /**
     * Timestamps, dates, times and durations as the integer Arrow stores (int32 or int64 in the
     * type's unit, e.g. ns since the epoch), so that no precision or time-zone interpretation is
     * added; the sidecar names the unit.
     */
    private static final ValueFormatter STORED_INTEGER = (vector, row) -> {
        BaseFixedWidthVector fixedWidth = (BaseFixedWidthVector) vector;
        return fixedWidth.getTypeWidth() == Integer.BYTES
                ? Integer.toString(fixedWidth.getDataBuffer().getInt((long) row * Integer.BYTES))
                : Long.toString(fixedWidth.getDataBuffer().getLong((long) row * Long.BYTES));
    };

    private ValueFormatters() {
    }

    /**
     * A formatter for values of a scalar {@code type}, or empty if CSV has no text form for it
     * here (binary, intervals, the null type). A new formatter per call: some keep a buffer.
     */
    static Optional<ValueFormatter> forType(ArrowType type) {
        return Optional.ofNullable(switch (type.getTypeID()) {
            case Int -> {
                ArrowType.Int integer = (ArrowType.Int) type;
                yield integer.getBitWidth() == Long.SIZE && !integer.getIsSigned() ? UINT64 : INTEGER;
            }
            case FloatingPoint -> switch (((ArrowType.FloatingPoint) type).getPrecision()) {
                case HALF -> FLOAT16;
                case SINGLE -> FLOAT32;
                case DOUBLE -> FLOAT64;
            };
            case Bool -> BOOL;
            case Utf8, LargeUtf8, Utf8View -> new TextFormatter();
            case Timestamp, Date, Time, Duration -> STORED_INTEGER;
            case Decimal -> DECIMAL;
            default -> null;
        });
    }

    /** UTF-8 text, copied out of the vector through one reused byte array instead of one per value. */
    private static final class TextFormatter implements ValueFormatter {
        private final ReusableByteArray bytes = new ReusableByteArray();

        @Override
        public String format(FieldVector vector, int row) {
            ((VariableWidthFieldVector) vector).read(row, bytes);
            return new String(bytes.getBuffer(), 0, (int) bytes.getLength(), StandardCharsets.UTF_8);
        }
    }
}
