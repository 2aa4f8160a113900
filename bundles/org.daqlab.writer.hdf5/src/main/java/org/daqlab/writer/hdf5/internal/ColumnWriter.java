package org.daqlab.writer.hdf5.internal;

import org.apache.arrow.vector.FieldVector;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Gathers one column's rows into chunks during the run (runner thread only). Numeric columns fill a
 * chunk buffer and hand it to the {@link ChunkSink} when full; at a flush the rows of the unfinished
 * chunk not saved yet go to the journal as a tail, so a crash loses nothing flushed. utf8 columns
 * go to the journal as they come: their stored width is only known when the file is built.
 */
abstract sealed class ColumnWriter {

    final int group;
    final int column;
    final ColumnLayout layout;
    long rows;

    private ColumnWriter(int group, int column, ColumnLayout layout) {
        this.group = group;
        this.column = column;
        this.layout = layout;
    }

    static ColumnWriter of(int group, int column, ColumnLayout layout) {
        return layout.type() == ElementType.UTF8 ? new Strings(group, column, layout) : new Chunked(group, column, layout);
    }

    /** Appends {@code count} rows of {@code vector}. */
    abstract void append(FieldVector vector, int count, ChunkSink sink, Journal.Writer journal) throws IOException;

    /** Saves rows not yet in a chunk or the journal (called at a flush, after the sink drained). */
    abstract void saveTail(Journal.Writer journal) throws IOException;

    /** Hands over the last, partial chunk (segment close). */
    abstract void finish(ChunkSink sink) throws IOException;

    /**
     * Fixed-size elements, chunked as they arrive. Chunks that need a filter are gathered in a new
     * heap buffer each and handed to the worker pool; unfiltered ones are stored by this thread, whole
     * chunks straight from Arrow's buffer and the rest gathered in one reused direct buffer, so that an
     * unfiltered write costs one copy at most and allocates nothing per chunk.
     */
    static final class Chunked extends ColumnWriter {
        private ByteBuffer chunk;
        private int inChunk;
        private long chunkIndex;
        /** Rows before this one are in a chunk or a saved tail. */
        private long saved;

        Chunked(int group, int column, ColumnLayout layout) {
            super(group, column, layout);
        }

        @Override
        void append(FieldVector vector, int count, ChunkSink sink, Journal.Writer journal) throws IOException {
            int rowBytes = layout.rowBytes();
            for (int from = 0; from < count; ) {
                int n = Math.min(count - from, layout.chunkRows() - inChunk);
                if (n == layout.chunkRows() && sink.storesAsIs()) {
                    ByteBuffer whole = ColumnValues.view(vector, layout, from, n);
                    if (whole != null) {
                        sink.storeNow(group, column, chunkIndex++, whole, n);
                        from += n;
                        rows += n;
                        continue;
                    }
                }
                if (chunk == null) {
                    chunk = sink.storesAsIs() ? ByteBuffer.allocateDirect(layout.chunkBytes()) : ByteBuffer.allocate(layout.chunkBytes());
                    chunk.order(ByteOrder.LITTLE_ENDIAN);
                }
                ColumnValues.copy(vector, layout, from, n, chunk, inChunk * rowBytes);
                inChunk += n;
                from += n;
                rows += n;
                if (inChunk == layout.chunkRows()) {
                    handOver(sink, layout.chunkRows());
                }
            }
        }

        /**
         * Stores or submits the chunk gathered so far as {@code storedRows} rows: a full chunk, or
         * the last one zero-padded, or only its rows for a dataset shorter than one chunk (see
         * {@link Hdf5FileBuilder}).
         */
        private void handOver(ChunkSink sink, int storedRows) throws IOException {
            int length = storedRows * layout.rowBytes();
            if (sink.storesAsIs()) {
                for (int i = inChunk * layout.rowBytes(); i < length; i++) {
                    chunk.put(i, (byte) 0); // the reused buffer holds the previous chunk's rows
                }
                sink.storeNow(group, column, chunkIndex++, chunk.duplicate().position(0).limit(length), inChunk);
            } else {
                byte[] bytes = length == chunk.capacity() ? chunk.array() : Arrays.copyOf(chunk.array(), length);
                sink.submit(group, column, chunkIndex++, bytes, inChunk, layout.type().size());
                chunk = null;
            }
            inChunk = 0;
        }

        @Override
        void saveTail(Journal.Writer journal) throws IOException {
            long chunkStart = chunkIndex * layout.chunkRows();
            long first = Math.max(saved, chunkStart);
            if (rows > first) {
                int rowBytes = layout.rowBytes();
                int offset = Math.toIntExact((first - chunkStart) * rowBytes);
                int n = Math.toIntExact(rows - first);
                journal.append(Journal.Kind.TAIL, SegmentModel.tailRecord(group, column, first, n,
                        chunk.duplicate().limit(offset + n * rowBytes).position(offset)));
            }
            saved = rows;
        }

        @Override
        void finish(ChunkSink sink) throws IOException {
            if (inChunk > 0) {
                handOver(sink, chunkIndex == 0 ? inChunk : layout.chunkRows());
            }
        }
    }

    /** utf8 values: one journal record per batch. */
    static final class Strings extends ColumnWriter {

        Strings(int group, int column, ColumnLayout layout) {
            super(group, column, layout);
        }

        @Override
        void append(FieldVector vector, int count, ChunkSink sink, Journal.Writer journal) throws IOException {
            List<byte[]> values = new ArrayList<>(count);
            int bytes = 20;
            for (int i = 0; i < count; i++) {
                byte[] value = ColumnValues.utf8(vector, i, layout);
                values.add(value);
                bytes += 4 + value.length;
            }
            ByteBuffer record = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(group).putInt(column).putLong(rows).putInt(count);
            for (byte[] value : values) {
                record.putInt(value.length).put(value);
            }
            journal.append(Journal.Kind.STRINGS, record.flip());
            rows += count;
        }

        @Override
        void saveTail(Journal.Writer journal) {
            // every value is in the journal already
        }

        @Override
        void finish(ChunkSink sink) {
            // chunks are made when the file is built
        }
    }
}
