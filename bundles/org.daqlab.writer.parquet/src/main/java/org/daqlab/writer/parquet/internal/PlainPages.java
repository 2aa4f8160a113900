package org.daqlab.writer.parquet.internal;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Encodes the pages of a REQUIRED int64, float32 or float64 column (timestamps, counters, ADC
 * channels) without going value by value through parquet-java: PLAIN values are exactly the
 * little-endian bytes Arrow holds, so a page is Arrow's buffer copied, and its statistics come from
 * one tight loop per page. Going through parquet-java's column writer instead cost several times
 * more, most of it in its per-value statistics.
 *
 * <p>The statistics are parquet-java's own objects, given each page's extremes (by the column's
 * order: signed, or unsigned for uint64; doubles as {@link Double#compare} orders them) and every
 * NaN, so that min, max and NaN count come out as if each value had been given. Used by one thread.
 */
final class PlainPages {

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle DOUBLE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

    /** The physical types this path writes. */
    private enum Values { INT64, UINT64, FLOAT, DOUBLE }

    private final PrimitiveType type;
    private final Values kind;
    private final int width;
    private final int pageBytes;
    private PageWriter pageWriter;
    private byte[] values;
    private int length;

    private PlainPages(PrimitiveType type, Values kind, int pageBytes) {
        this.type = type;
        this.kind = kind;
        this.width = kind == Values.FLOAT ? 4 : 8;
        this.pageBytes = Math.max(width, pageBytes / width * width);
        this.values = new byte[Math.min(this.pageBytes, 1 << 20)];
    }

    /**
     * Whether this class writes {@code column}; parquet-java writes the others: nullable columns
     * (definition levels), dictionary-encoded ones, byte-stream split floats, values that need
     * converting, and other types.
     */
    static boolean writes(ParquetColumn column, boolean byteStreamSplit) {
        return values(column, byteStreamSplit) != null;
    }

    /** The writer of {@code column}, which {@link #writes} it. */
    static PlainPages of(ParquetColumn column, boolean byteStreamSplit, int pageBytes) {
        return new PlainPages(column.parquet().asPrimitiveType(), values(column, byteStreamSplit), pageBytes);
    }

    private static Values values(ParquetColumn column, boolean byteStreamSplit) {
        if (column.isFrame() || column.maxDefinitionLevel() > 0 || column.dictionaryEncoded()) {
            return null;
        }
        PrimitiveType type = column.parquet().asPrimitiveType();
        return switch (column.kind()) {
            case INT64 -> type.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i
                    && !i.isSigned() ? Values.UINT64 : Values.INT64;
            case FLOAT32 -> byteStreamSplit ? null : Values.FLOAT;
            case FLOAT64 -> byteStreamSplit ? null : Values.DOUBLE;
            default -> null;
        };
    }

    /** Starts a row group, whose pages go to {@code writer}. */
    void startRowGroup(PageWriter writer) {
        this.pageWriter = writer;
        length = 0;
    }

    /** Bytes held for the row group: its finished pages and the page being filled. */
    long bufferedBytes() {
        return pageWriter.getMemSize() + length;
    }

    /** Appends rows {@code from…to-1} of {@code vector} (this column of a batch, without nulls). */
    void write(FieldVector vector, int from, int to) throws IOException {
        ArrowBuf data = vector.getDataBuffer();
        long at = (long) from * width;
        long end = (long) to * width;
        while (at < end) {
            if (length == values.length && length < pageBytes) {
                values = Arrays.copyOf(values, Math.min(pageBytes, 2 * values.length));
            }
            int n = (int) Math.min(end - at, values.length - length);
            data.getBytes(at, values, length, n);
            length += n;
            at += n;
            if (length == pageBytes) {
                writePage();
            }
        }
    }

    /** Ends the row group: its last page. */
    void endRowGroup() throws IOException {
        if (length > 0) {
            writePage();
        }
        pageWriter = null;
    }

    private void writePage() throws IOException {
        int count = length / width;
        pageWriter.writePage(BytesInput.from(values, 0, length), count, count, statistics(count), null, null,
                Encoding.RLE, Encoding.RLE, Encoding.PLAIN);
        length = 0;
    }

    private Statistics<?> statistics(int count) {
        Statistics<?> stats = Statistics.createStats(type);
        switch (kind) {
            case INT64 -> {
                long min = Long.MAX_VALUE;
                long max = Long.MIN_VALUE;
                for (int b = 0; b < length; b += 8) {
                    long v = (long) LONG.get(values, b);
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                stats.updateStats(min);
                stats.updateStats(max);
            }
            case UINT64 -> {
                // unsigned order: flipping the sign bit makes it the signed one
                long min = Long.MAX_VALUE;
                long max = Long.MIN_VALUE;
                for (int b = 0; b < length; b += 8) {
                    long v = (long) LONG.get(values, b) ^ Long.MIN_VALUE;
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                stats.updateStats(min ^ Long.MIN_VALUE);
                stats.updateStats(max ^ Long.MIN_VALUE);
            }
            case DOUBLE -> {
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                boolean numbers = false;
                for (int b = 0; b < length; b += 8) {
                    double v = (double) DOUBLE.get(values, b);
                    if (v != v) {
                        stats.updateStats(v); // NaNs are counted (and ordered, in IEEE 754 total order) by parquet-java
                    } else {
                        numbers = true;
                        min = Double.compare(v, min) < 0 ? v : min;
                        max = Double.compare(v, max) > 0 ? v : max;
                    }
                }
                if (numbers) {
                    stats.updateStats(min);
                    stats.updateStats(max);
                }
            }
            case FLOAT -> {
                float min = Float.POSITIVE_INFINITY;
                float max = Float.NEGATIVE_INFINITY;
                boolean numbers = false;
                for (int b = 0; b < length; b += 4) {
                    float v = (float) FLOAT.get(values, b);
                    if (v != v) {
                        stats.updateStats(v);
                    } else {
                        numbers = true;
                        min = Float.compare(v, min) < 0 ? v : min;
                        max = Float.compare(v, max) > 0 ? v : max;
                    }
                }
                if (numbers) {
                    stats.updateStats(min);
                    stats.updateStats(max);
                }
            }
        }
        stats.setNumNulls(0);
        return stats;
    }

}
