package org.daqlab.writer.parquet.internal;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriter;
import org.daqlab.api.data.FixedShapeTensorType;
import org.daqlab.api.data.FixedShapeTensorVector;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Encodes the pages of a frame column ({@code arrow.fixed_shape_tensor} of uint8 or uint16, stored as
 * a Parquet LIST of optional INT32 annotated INTEGER(8|16, unsigned)) without going value by value through
 * parquet-java.
 *
 * <p>The trick: the column is dictionary-encoded with the identity dictionary {@code 0…2^k-1}, k the
 * bits the row group's pixels use, so a pixel's dictionary index is the pixel itself, and the indices
 * are bit-packed at the pixel's own
 * width, which for 8 and 16 bits is exactly the little-endian bytes Arrow holds. A data page is thus
 * the frame bytes copied as they are, in bit-packed runs of 504 values (1008 bytes for 16 bits), the
 * run length parquet-java itself writes, behind one-byte run headers; every Parquet reader decodes it
 * (RLE_DICTIONARY is the most common encoding there is), and the file is no larger than the raw
 * pixels before compression, where PLAIN INT32 would double it. Repetition levels are two RLE runs per
 * frame (0, then 1 for the rest); definition levels one run per page unless frames are null.
 * Levels here are at most 3, so one byte holds the value of an RLE run.
 *
 * <p>Pages carry no min/max statistics (nobody filters on pixel values, and skipping them keeps the
 * path a copy); parquet-java then leaves out the column's statistics and column index, as
 * PARQUET-2365 requires. Used by one thread.
 */
final class FramePages {

    /** Values in a full bit-packed run: 63 groups of 8, whose header fits one byte, as parquet-java writes. */
    private static final int RUN_VALUES = 63 * 8;
    private static final byte FULL_RUN_HEADER = (byte) ((63 << 1) | 1);
    /** The identity dictionary of every 16-bit value as PLAIN INT32; a row group's dictionary is a prefix of it. */
    private static final byte[] IDENTITY = identity(1 << 16);
    private static final VarHandle UINT16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final int valuesPerFrame;
    private final int bytesPerValue;
    private final boolean nullable;
    /** Definition level of a present pixel: the repeated group and the optional element add 1 each, an optional frame another. */
    private final int presentLevel;
    private final int pageBytes;
    /**
     * Every bit set in a pixel of the row group, in each 16-bit lane: the dictionary of 16-bit pixels
     * ends at the power of two above them (a 12-bit camera needs 4096 entries, not 65536). ORing eight
     * bytes at a time costs far less than finding the maximum.
     */
    private long pixelBits;

    private PageWriter pageWriter;
    /** The data page's values: the bit width byte, then bit-packed runs. */
    private byte[] values;
    private int valuesLength;
    private int runHeaderAt;
    private int runValues;
    private final LevelRuns repetition = new LevelRuns();
    private final LevelRuns definition = new LevelRuns();
    private int pageRows;
    private int pageLevels;

    FramePages(ParquetColumn column, int pageBytes) {
        FixedShapeTensorType tensor = (FixedShapeTensorType) column.arrowField().getType();
        this.valuesPerFrame = tensor.elementCount();
        int bits = FixedShapeTensorType.valueType(column.arrowField()).getBitWidth();
        this.bytesPerValue = bits / 8;
        this.nullable = column.arrowField().isNullable();
        this.presentLevel = nullable ? 3 : 2;
        this.pageBytes = pageBytes;
        this.values = new byte[Math.min(pageBytes, 1 << 20) + 2 * RUN_VALUES * bytesPerValue];
    }

    /** Starts a row group, whose pages go to {@code writer}. */
    void startRowGroup(PageWriter writer) {
        this.pageWriter = writer;
        pixelBits = bytesPerValue == 1 ? 0xFF : 0;
        resetPage();
    }

    /** Bytes held for the row group: its finished pages and the page being filled. */
    long bufferedBytes() {
        return pageWriter.getMemSize() + valuesLength;
    }

    /** Appends frames {@code from…to-1} of {@code frames}. */
    void write(FixedShapeTensorVector frames, int from, int to) throws IOException {
        ArrowBuf pixels = frames.pixelVector().getDataBuffer();
        long frameBytes = (long) valuesPerFrame * bytesPerValue;
        for (int i = from; i < to; i++) {
            if (nullable && frames.isNull(i)) {
                repetition.add(0, 1);
                definition.add(0, 1);
                pageLevels++;
            } else {
                repetition.add(0, 1);
                if (valuesPerFrame > 1) {
                    repetition.add(1, valuesPerFrame - 1);
                }
                definition.add(presentLevel, valuesPerFrame);
                pageLevels += valuesPerFrame;
                copy(pixels, i * frameBytes);
            }
            pageRows++;
            if (valuesLength >= pageBytes) {
                writePage();
            }
        }
    }

    /** Ends the row group: its last page and the dictionary. */
    void endRowGroup() throws IOException {
        if (pageRows > 0) {
            writePage();
        }
        int bits = (int) ((pixelBits | pixelBits >>> 16 | pixelBits >>> 32 | pixelBits >>> 48) & 0xFFFF);
        int size = bits == 0 ? 1 : Integer.highestOneBit(bits) << 1;
        pageWriter.writeDictionaryPage(new DictionaryPage(BytesInput.from(IDENTITY, 0, 4 * size), size, Encoding.PLAIN));
        pageWriter = null;
    }

    /** Copies one frame's pixels into the page, opening a new bit-packed run every {@value #RUN_VALUES} values. */
    private void copy(ArrowBuf pixels, long at) {
        int remaining = valuesPerFrame;
        while (remaining > 0) {
            if (runValues == RUN_VALUES) {
                values[runHeaderAt] = FULL_RUN_HEADER;
                runHeaderAt = -1;
            }
            if (runHeaderAt < 0) {
                ensure(1 + RUN_VALUES * bytesPerValue);
                runHeaderAt = valuesLength++;
                runValues = 0;
            }
            int n = Math.min(remaining, RUN_VALUES - runValues);
            int bytes = n * bytesPerValue;
            pixels.getBytes(at, values, valuesLength, bytes);
            if (bytesPerValue == 2) {
                long or = pixelBits;
                int b = valuesLength;
                int end = valuesLength + bytes;
                for (; b + 8 <= end; b += 8) {
                    or |= (long) LONG.get(values, b);
                }
                for (; b < end; b += 2) {
                    or |= (short) UINT16.get(values, b) & 0xFFFF;
                }
                pixelBits = or;
            }
            valuesLength += bytes;
            at += bytes;
            runValues += n;
            remaining -= n;
        }
    }

    private void writePage() throws IOException {
        if (runHeaderAt >= 0) {
            // the last run: whole groups of 8, the padding values beyond the page's count are ignored
            int groups = (runValues + 7) / 8;
            int padding = (groups * 8 - runValues) * bytesPerValue;
            ensure(padding);
            Arrays.fill(values, valuesLength, valuesLength + padding, (byte) 0);
            valuesLength += padding;
            values[runHeaderAt] = (byte) ((groups << 1) | 1);
        }
        BytesInput page = BytesInput.concat(repetition.encoded(), definition.encoded(), BytesInput.from(values, 0, valuesLength));
        pageWriter.writePage(page, pageLevels, pageRows, null, null, null, Encoding.RLE, Encoding.RLE, Encoding.RLE_DICTIONARY);
        resetPage();
    }

    private void resetPage() {
        values[0] = (byte) (bytesPerValue * 8); // bit width of the dictionary indices
        valuesLength = 1;
        runHeaderAt = -1;
        runValues = 0;
        repetition.clear();
        definition.clear();
        pageRows = 0;
        pageLevels = 0;
    }

    private void ensure(int more) {
        if (valuesLength + more > values.length) {
            values = Arrays.copyOf(values, Math.max(valuesLength + more, values.length * 2));
        }
    }

    /** {@code 0, 1, …, size-1} as PLAIN INT32: dictionary index i stands for pixel value i. */
    private static byte[] identity(int size) {
        byte[] plain = new byte[4 * size];
        for (int i = 0; i < size; i++) {
            plain[4 * i] = (byte) i;
            plain[4 * i + 1] = (byte) (i >>> 8);
        }
        return plain;
    }

    /**
     * Repetition or definition levels of a data page v1: RLE runs (varint {@code count << 1}, then the
     * level in one byte) behind their 4-byte little-endian length.
     * Consecutive runs of the same level merge.
     */
    static final class LevelRuns {
        private int[] levels = new int[16];
        private int[] counts = new int[16];
        private int runs;

        void add(int level, int count) {
            if (runs > 0 && levels[runs - 1] == level) {
                counts[runs - 1] += count;
                return;
            }
            if (runs == levels.length) {
                levels = Arrays.copyOf(levels, runs * 2);
                counts = Arrays.copyOf(counts, runs * 2);
            }
            levels[runs] = level;
            counts[runs] = count;
            runs++;
        }

        void clear() {
            runs = 0;
        }

        BytesInput encoded() {
            byte[] out = new byte[4 + runs * 6];
            int n = 4;
            for (int r = 0; r < runs; r++) {
                for (int v = counts[r] << 1; ; v >>>= 7) {
                    if ((v & ~0x7F) == 0) {
                        out[n++] = (byte) v;
                        break;
                    }
                    out[n++] = (byte) ((v & 0x7F) | 0x80);
                }
                out[n++] = (byte) levels[r];
            }
            int length = n - 4;
            out[0] = (byte) length;
            out[1] = (byte) (length >>> 8);
            out[2] = (byte) (length >>> 16);
            out[3] = (byte) (length >>> 24);
            return BytesInput.from(out, 0, n);
        }
    }
}
