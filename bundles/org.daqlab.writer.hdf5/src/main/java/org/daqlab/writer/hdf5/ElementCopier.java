package org.daqlab.writer.hdf5;

import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.ArrowType;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Copies a one-dimensional array, as jhdf returns a slice of a dataset, into a vector from index
 * {@code at} on. Values are never null: the writer stores nulls as 0, NaN or "" (FORMAT.md).
 */
@FunctionalInterface
interface ElementCopier {

    void copy(Object values, FieldVector target, int at);

    /**
     * The copier for values of {@code type}: a column's type, or a tensor's element type; {@code null}
     * if FORMAT.md stores no dataset for such values.
     */
    static ElementCopier forType(ArrowType type) {
        return switch (type.getTypeID()) {
            case Int -> (values, target, at) -> {
                long[] longs = widen(values);
                for (int i = 0; i < longs.length; i++) {
                    // keeps the low bits: the bit pattern of an unsigned value that jhdf widened
                    ((BaseIntVector) target).setWithPossibleTruncate(at + i, longs[i]);
                }
            };
            case Bool -> (values, target, at) -> {
                long[] longs = widen(values);
                for (int i = 0; i < longs.length; i++) {
                    ((BitVector) target).setSafe(at + i, longs[i] != 0 ? 1 : 0);
                }
            };
            case Timestamp -> (values, target, at) -> {
                long[] longs = widen(values);
                for (int i = 0; i < longs.length; i++) {
                    ((TimeStampVector) target).setSafe(at + i, longs[i]);
                }
            };
            case FloatingPoint -> switch (((ArrowType.FloatingPoint) type).getPrecision()) {
                case HALF -> (values, target, at) -> {
                    float[] floats = (float[]) values; // jhdf widens float16 to float, exactly
                    for (int i = 0; i < floats.length; i++) {
                        ((Float2Vector) target).setSafeWithPossibleTruncate(at + i, floats[i]);
                    }
                };
                case SINGLE -> (values, target, at) -> {
                    float[] floats = (float[]) values;
                    for (int i = 0; i < floats.length; i++) {
                        ((Float4Vector) target).setSafe(at + i, floats[i]);
                    }
                };
                case DOUBLE -> (values, target, at) -> {
                    double[] doubles = (double[]) values;
                    for (int i = 0; i < doubles.length; i++) {
                        ((Float8Vector) target).setSafe(at + i, doubles[i]);
                    }
                };
            };
            case Utf8 -> (values, target, at) -> {
                String[] strings = (String[]) values; // jhdf decodes and strips the null padding
                for (int i = 0; i < strings.length; i++) {
                    ((VarCharVector) target).setSafe(at + i, strings[i].getBytes(StandardCharsets.UTF_8));
                }
            };
            default -> null;
        };
    }

    /**
     * The values of an integer array as longs. jhdf returns signed integers in their own width but
     * widens unsigned ones: uint8 and uint16 to int[], uint32 to long[], uint64 to BigInteger[].
     */
    private static long[] widen(Object values) {
        if (values instanceof long[] longs) {
            return longs;
        }
        if (values instanceof int[] ints) {
            long[] longs = new long[ints.length];
            for (int i = 0; i < ints.length; i++) {
                longs[i] = ints[i];
            }
            return longs;
        }
        if (values instanceof short[] shorts) {
            long[] longs = new long[shorts.length];
            for (int i = 0; i < shorts.length; i++) {
                longs[i] = shorts[i];
            }
            return longs;
        }
        if (values instanceof byte[] bytes) {
            long[] longs = new long[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                longs[i] = bytes[i];
            }
            return longs;
        }
        BigInteger[] bigs = (BigInteger[]) values;
        long[] longs = new long[bigs.length];
        for (int i = 0; i < bigs.length; i++) {
            longs[i] = bigs[i].longValue(); // the low 64 bits: the uint64 bit pattern
        }
        return longs;
    }
}
