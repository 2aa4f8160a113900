package org.daqlab.writer.parquet.internal;

import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.daqlab.api.data.FixedShapeTensorType;
import org.daqlab.api.data.StreamSchemas;

/**
 * One Arrow column and how it is stored in Parquet. Scalar columns are flat primitive columns
 * written value by value through parquet-java's column writers ({@link Scalar}); frame columns
 * ({@code arrow.fixed_shape_tensor}) are Parquet LISTs whose pages the writer encodes itself
 * ({@link FramePages}).
 *
 * @param fieldIndex index of the column in the stream's Arrow schema
 * @param arrowField the field as recorded under {@code ARROW:schema}: the stream's field, except that
 *                   {@value StreamSchemas#TIMESTAMP_NS} is declared {@code timestamp[ns, tz=UTC]}, as
 *                   its Parquet type says
 * @param parquet    the top-level Parquet field
 * @param kind       how values are written (scalars), or {@code null} for a frame column
 */
record ParquetColumn(int fieldIndex, Field arrowField, Type parquet, Kind kind) {

    /** Whether this is a frame column, written by {@link FramePages}. */
    boolean isFrame() {
        return kind == null;
    }

    /** Parquet's maximum definition level of a scalar column: 1 if nullable, else 0. */
    int maxDefinitionLevel() {
        return parquet.isRepetition(Type.Repetition.OPTIONAL) ? 1 : 0;
    }

    /**
     * The column for {@code field}, or {@code null} if its type cannot be written (see {@link #unsupported}).
     *
     * @throws IllegalArgumentException if a frame column's element type is not supported, naming it
     */
    static ParquetColumn of(int fieldIndex, Field field) {
        ArrowType type = field.getType();
        String name = field.getName();
        Type.Repetition repetition = field.isNullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
        if (type instanceof FixedShapeTensorType tensor) {
            ArrowType.Int element = FixedShapeTensorType.valueType(field);
            if (element.getIsSigned() || (element.getBitWidth() != 8 && element.getBitWidth() != 16)) {
                return null;
            }
            // the element is optional, as pyarrow writes it: pyarrow restores the extension type only if the list it
            // reads has the canonical storage fixed_size_list<uint16> with nullable values (the pixels are never null)
            Type list = Types.list(repetition)
                    .optionalElement(PrimitiveTypeName.INT32)
                    .as(LogicalTypeAnnotation.intType(element.getBitWidth(), false))
                    .named(name);
            return new ParquetColumn(fieldIndex, field, list, null);
        }
        if (StreamSchemas.TIMESTAMP_NS.equals(name) && type instanceof ArrowType.Int i && i.getBitWidth() == 64 && i.getIsSigned()) {
            // int64 ns since the epoch, UTC (StreamSchemas): declared so, for pandas, DuckDB and pyarrow alike
            Field declared = new Field(name, new FieldType(field.isNullable(),
                    new ArrowType.Timestamp(TimeUnit.NANOSECOND, "UTC"), null, field.getMetadata()), null);
            return new ParquetColumn(fieldIndex, declared, primitive(PrimitiveTypeName.INT64, repetition, name,
                    LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.NANOS)), Kind.INT64);
        }
        Kind kind = kindOf(type);
        if (kind == null) {
            return null;
        }
        PrimitiveTypeName physical = switch (kind) {
            case INT8, UINT8, INT16, UINT16, INT32 -> PrimitiveTypeName.INT32;
            case INT64, TIMESTAMP_SECONDS -> PrimitiveTypeName.INT64;
            case FLOAT16, FIXED_BINARY -> PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
            case FLOAT32 -> PrimitiveTypeName.FLOAT;
            case FLOAT64 -> PrimitiveTypeName.DOUBLE;
            case BOOL -> PrimitiveTypeName.BOOLEAN;
            case BINARY, LARGE_BINARY -> PrimitiveTypeName.BINARY;
        };
        Types.PrimitiveBuilder<PrimitiveType> builder = Types.primitive(physical, repetition);
        if (kind == Kind.FLOAT16) {
            builder = builder.length(2);
        } else if (kind == Kind.FIXED_BINARY) {
            builder = builder.length(((ArrowType.FixedSizeBinary) type).getByteWidth());
        }
        LogicalTypeAnnotation logical = logicalType(type);
        return new ParquetColumn(fieldIndex, field, (logical == null ? builder : builder.as(logical)).named(name), kind);
    }

    private static PrimitiveType primitive(PrimitiveTypeName physical, Type.Repetition repetition, String name,
            LogicalTypeAnnotation logical) {
        return Types.primitive(physical, repetition).as(logical).named(name);
    }

    /** Why {@code field} is not written, for the writer's status. */
    static String unsupported(String stream, Field field) {
        return "stream '" + stream + "': column '" + field.getName() + "' of type " + field.getType()
                + " is not written to Parquet (supported: integers, floats, bool, utf8, binary, timestamps, "
                + "arrow.fixed_shape_tensor of uint8 or uint16); the other columns are";
    }

    private static Kind kindOf(ArrowType type) {
        if (type instanceof ArrowType.Int i) {
            return switch (i.getBitWidth()) {
                case 8 -> i.getIsSigned() ? Kind.INT8 : Kind.UINT8;
                case 16 -> i.getIsSigned() ? Kind.INT16 : Kind.UINT16;
                case 32 -> Kind.INT32;
                case 64 -> Kind.INT64;
                default -> null;
            };
        }
        if (type instanceof ArrowType.FloatingPoint f) {
            return f.getPrecision() == FloatingPointPrecision.HALF ? Kind.FLOAT16
                    : f.getPrecision() == FloatingPointPrecision.SINGLE ? Kind.FLOAT32 : Kind.FLOAT64;
        }
        if (type instanceof ArrowType.Timestamp t) {
            return t.getUnit() == TimeUnit.SECOND ? Kind.TIMESTAMP_SECONDS : Kind.INT64;
        }
        return switch (type.getTypeID()) {
            case Bool -> Kind.BOOL;
            case Utf8, Binary -> Kind.BINARY;
            case LargeUtf8, LargeBinary -> Kind.LARGE_BINARY;
            case FixedSizeBinary -> Kind.FIXED_BINARY;
            default -> null;
        };
    }

    private static LogicalTypeAnnotation logicalType(ArrowType type) {
        if (type instanceof ArrowType.Int i) {
            return LogicalTypeAnnotation.intType(i.getBitWidth(), i.getIsSigned());
        }
        if (type instanceof ArrowType.FloatingPoint f && f.getPrecision() == FloatingPointPrecision.HALF) {
            return LogicalTypeAnnotation.float16Type();
        }
        if (type instanceof ArrowType.Timestamp t) {
            // Parquet has no seconds: they are stored as milliseconds, as Arrow C++ does
            LogicalTypeAnnotation.TimeUnit unit = switch (t.getUnit()) {
                case SECOND, MILLISECOND -> LogicalTypeAnnotation.TimeUnit.MILLIS;
                case MICROSECOND -> LogicalTypeAnnotation.TimeUnit.MICROS;
                case NANOSECOND -> LogicalTypeAnnotation.TimeUnit.NANOS;
            };
            return LogicalTypeAnnotation.timestampType(t.getTimezone() != null, unit);
        }
        return switch (type.getTypeID()) {
            case Utf8, LargeUtf8 -> LogicalTypeAnnotation.stringType();
            default -> null;
        };
    }

    /** Whether a dictionary is worth trying for the column: strings and small integers repeat; floats and timestamps rarely do. */
    boolean dictionaryEncoded() {
        return kind != null && switch (kind) {
            case INT8, UINT8, INT16, UINT16, INT32, BINARY, LARGE_BINARY -> true;
            default -> false;
        };
    }

    /** Fixed bytes per row in Arrow (for strings an estimate), to size write slices. */
    int rowBytesEstimate() {
        if (kind == null) {
            FixedShapeTensorType tensor = (FixedShapeTensorType) arrowField.getType();
            return tensor.elementCount() * (FixedShapeTensorType.valueType(arrowField).getBitWidth() / 8);
        }
        return switch (kind) {
            case INT8, UINT8, BOOL -> 1;
            case INT16, UINT16, FLOAT16 -> 2;
            case INT32, FLOAT32 -> 4;
            case INT64, TIMESTAMP_SECONDS, FLOAT64 -> 8;
            case BINARY, LARGE_BINARY -> 32;
            case FIXED_BINARY -> ((ArrowType.FixedSizeBinary) arrowField.getType()).getByteWidth();
        };
    }

    /**
     * Writes rows {@code from…to-1} of {@code vector} (this column of a batch) to {@code writer}.
     * The caller has checked that a non-nullable column holds no null.
     */
    void write(FieldVector vector, int from, int to, ColumnWriter writer, byte[][] scratch) {
        int dl = maxDefinitionLevel();
        boolean nullable = dl > 0;
        switch (kind) {
            case INT8 -> {
                ArrowBuf data = vector.getDataBuffer();
                for (int i = from; i < to; i++) {
                    if (nullable && vector.isNull(i)) {
                        writer.writeNull(0, 0);
                    } else {
                        writer.write((int) data.getByte(i), 0, dl);
                    }
                }
            }
            case UINT8 -> {
                ArrowBuf data = vector.getDataBuffer();
                for (int i = from; i < to; i++) {
                    if (nullable && vector.isNull(i)) {
                        writer.writeNull(0, 0);
                    } else {
                        writer.write(data.getByte(i) & 0xFF, 0, dl);
                    }
                }
            }
            case INT16 -> {
                ArrowBuf data = vector.getDataBuffer();
                for (int i = from; i < to; i++) {
                    if (nullable && vector.isNull(i)) {
                        writer.writeNull(0, 0);
                    } else {
                        writer.write((int) data.getShort(2L * i), 0, dl);
                    }
                }
            }
            case UINT16 -> {
                ArrowBuf data = vector.getDataBuffer();
                for (int i = from; i < to; i++) {
                    if (nullable && vector.isNull(i)) {
                        writer.writeNull(0, 0);
                    } else {
                        writer.write(data.getShort(2L * i) & 0xFFFF, 0, dl);
                    }
                }
            }
            case INT32 -> {
                // uint32 too: Parquet's INTEGER(32, false) annotates the same bits
                ArrowBuf data = vector.getDataBuffer();
                for (int i = from; i < to; i++) {
                    if (nullable && vector.isNull(i)) {
                        writer.writeNull(0, 0);
                    } else {
                        writer.write(data.getInt(4L * i), 0, dl);
                    }
                }
            }
            case INT64 -> {
                // uint64 and timestamps of ms, µs and ns too: the same 8 bytes
                ArrowBuf data = vector.getDataBuffer();
                for (int i = from; i < to; i++) {
                    if (nullable && vector.isNull(i)) {
                        writer.writeNull(0, 0);
                    } else {
                        writer.write(data.getLong(8L * i), 0, dl);
                    }
                }
            }
            case TIMESTAMP_SECONDS -> {
                ArrowBuf data = vector.getDataBuffer();
                for (int i = from; i < to; i++) {
                    if (nullable && vector.isNull(i)) {
                        writer.writeNull(0, 0);
                    } else {
                        writer.write(Math.multiplyExact(data.getLong(8L * i), 1000L), 0, dl);
                    }
                }
            }
            case FLOAT16 -> {
                ArrowBuf data = vector.getDataBuffer();
                byte[] half = scratch(scratch, 2);
                for (int i = from; i < to; i++) {
                    if (nullable && vector.isNull(i)) {
                        writer.writeNull(0, 0);
                    } else {
                        // Parquet's FLOAT16 is the IEEE half in little-endian order, as Arrow holds it
                        data.getBytes(2L * i, half, 0, 2);
                        writer.write(Binary.fromReusedByteArray(half, 0, 2), 0, dl);
                    }
                }
            }
            case FLOAT32 -> {
                ArrowBuf data = vector.getDataBuffer();
                for (int i = from; i < to; i++) {
                    if (nullable && vector.isNull(i)) {
                        writer.writeNull(0, 0);
                    } else {
                        writer.write(data.getFloat(4L * i), 0, dl);
                    }
                }
            }
            case FLOAT64 -> {
                ArrowBuf data = vector.getDataBuffer();
                for (int i = from; i < to; i++) {
                    if (nullable && vector.isNull(i)) {
                        writer.writeNull(0, 0);
                    } else {
                        writer.write(data.getDouble(8L * i), 0, dl);
                    }
                }
            }
            case BOOL -> {
                BitVector bits = (BitVector) vector;
                for (int i = from; i < to; i++) {
                    if (nullable && bits.isNull(i)) {
                        writer.writeNull(0, 0);
                    } else {
                        writer.write(bits.get(i) != 0, 0, dl);
                    }
                }
            }
            case BINARY -> {
                BaseVariableWidthVector strings = (BaseVariableWidthVector) vector;
                ArrowBuf offsets = strings.getOffsetBuffer();
                ArrowBuf data = strings.getDataBuffer();
                for (int i = from; i < to; i++) {
                    if (nullable && strings.isNull(i)) {
                        writer.writeNull(0, 0);
                    } else {
                        int start = offsets.getInt(4L * i);
                        int length = offsets.getInt(4L * (i + 1)) - start;
                        byte[] bytes = scratch(scratch, length);
                        data.getBytes(start, bytes, 0, length);
                        writer.write(Binary.fromReusedByteArray(bytes, 0, length), 0, dl);
                    }
                }
            }
            case LARGE_BINARY -> {
                BaseLargeVariableWidthVector strings = (BaseLargeVariableWidthVector) vector;
                ArrowBuf offsets = strings.getOffsetBuffer();
                ArrowBuf data = strings.getDataBuffer();
                for (int i = from; i < to; i++) {
                    if (nullable && strings.isNull(i)) {
                        writer.writeNull(0, 0);
                    } else {
                        long start = offsets.getLong(8L * i);
                        int length = Math.toIntExact(offsets.getLong(8L * (i + 1)) - start);
                        byte[] bytes = scratch(scratch, length);
                        data.getBytes(start, bytes, 0, length);
                        writer.write(Binary.fromReusedByteArray(bytes, 0, length), 0, dl);
                    }
                }
            }
            case FIXED_BINARY -> {
                FixedSizeBinaryVector fixed = (FixedSizeBinaryVector) vector;
                int width = fixed.getByteWidth();
                ArrowBuf data = fixed.getDataBuffer();
                byte[] bytes = scratch(scratch, width);
                for (int i = from; i < to; i++) {
                    if (nullable && fixed.isNull(i)) {
                        writer.writeNull(0, 0);
                    } else {
                        data.getBytes((long) width * i, bytes, 0, width);
                        writer.write(Binary.fromReusedByteArray(bytes, 0, width), 0, dl);
                    }
                }
            }
        }
    }

    /** A reusable array of at least {@code length} bytes: column writers copy what they keep of a reused Binary. */
    private static byte[] scratch(byte[][] holder, int length) {
        if (holder[0].length < length) {
            holder[0] = new byte[Math.max(length, 2 * holder[0].length)];
        }
        return holder[0];
    }

    /** How a scalar column's values are read from Arrow and handed to parquet-java. */
    enum Kind {
        INT8, UINT8, INT16, UINT16, INT32, INT64, TIMESTAMP_SECONDS, FLOAT16, FLOAT32, FLOAT64, BOOL,
        BINARY, LARGE_BINARY, FIXED_BINARY
    }
}
