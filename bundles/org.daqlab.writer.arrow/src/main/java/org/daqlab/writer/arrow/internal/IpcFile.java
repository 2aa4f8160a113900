package org.daqlab.writer.arrow.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.VectorSchemaRootAppender;
import org.daqlab.api.storage.OutputFile;
import org.daqlab.api.storage.OwnOutputs;
import org.daqlab.api.storage.StorageErrors;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One Arrow IPC file of a segment: one stream's batches under one schema, written by an
 * {@link IpcSink} through a {@link WriteBuffer}: large buffers go from the caller's memory straight into the
 * file, small pieces are gathered. {@link #flush} writes the rows gathered for {@code batch_rows}
 * and what the write buffer holds, so that after it every batch written is in the file, complete.
 * The file is locked while it is open, which tells recovery that a live writer owns it.
 *
 * <p>If a write fails (a full disk), whatever follows the last complete message is cut off at once
 * and the file takes no more batches; {@link #end} then completes it from its complete messages, as
 * recovery would.
 */
final class IpcFile implements AutoCloseable {

    final OutputFile output;
    /** The stream as published (the name may differ: {@code adc0.schema2}). */
    final String stream;
    /** Columns of the stream's schema, as batches arrive; the file holds {@link #columns} of them. */
    final Schema sourceSchema;
    private final IpcFormat format;
    private final int[] columns;
    private final List<Field> fields;
    private final FileChannel channel;
    private final WriteBuffer buffer;
    private final CompressionCodec codec;
    private final IpcSink sink;
    private final int batchRows;
    private final long batchBytes;
    /** Gathered rows not yet written; null without gathering. */
    private VectorSchemaRoot pending;
    private long rows;
    private IOException failure;
    private boolean ended;

    private IpcFile(OutputFile output, String stream, Schema sourceSchema, int[] columns, Schema fileSchema,
            ArrowSettings settings, BufferAllocator allocator, FileChannel channel) throws IOException {
        this.output = output;
        this.stream = stream;
        this.sourceSchema = sourceSchema;
        this.format = settings.format();
        this.columns = columns;
        this.fields = fileSchema.getFields();
        this.channel = channel;
        this.buffer = new WriteBuffer(channel);
        this.codec = settings.compression().codec(settings.level());
        this.sink = new IpcSink(format, fileSchema, buffer, codec);
        this.batchRows = settings.batchRows();
        this.batchBytes = settings.batchBytes();
        this.pending = batchRows > 0 ? newPending(fields, allocator) : null;
    }

    /**
     * The root small batches are gathered in. Arrow's appender needs allocated buffers to append to;
     * they start at one row (a default allocation would reserve thousands of frames) and grow.
     */
    private static VectorSchemaRoot newPending(List<Field> fields, BufferAllocator allocator) {
        VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
        for (FieldVector vector : root.getFieldVectors()) {
            vector.setInitialCapacity(1);
            vector.allocateNew();
        }
        return root;
    }

    /**
     * Opens {@code output} (created by the core), locks it and writes the schema.
     *
     * @param columns    indices of {@code sourceSchema}'s columns the file holds
     * @param fileSchema those columns, with the file's schema metadata
     * @throws IOException naming the file and the fix if it cannot be opened or locked
     */
    static IpcFile create(OutputFile output, String stream, Schema sourceSchema, int[] columns, Schema fileSchema,
            ArrowSettings settings, BufferAllocator allocator) throws IOException {
        Path path = output.path();
        OwnOutputs.add(path);
        FileChannel channel = open(path);
        IpcFile file = null;
        try {
            // marks the file as live, so that recovery in this or another process leaves it alone
            if (channel.tryLock() == null) {
                throw new IOException(path + " is locked by another process: another writer uses the same file; "
                        + "give each writer instance its own output_dir or file_name_template");
            }
            file = new IpcFile(output, stream, sourceSchema, columns, fileSchema, settings, allocator, channel);
            file.sink.start();
            file.buffer.drain(); // the schema is in the file from the start: even an early crash leaves a readable stream
            return file;
        } catch (IOException | RuntimeException e) {
            if (file != null) {
                file.close();
            } else {
                channel.close();
            }
            if (e instanceof IOException io) {
                throw new IOException("cannot start the Arrow file " + path + " of stream '" + stream + "': "
                        + StorageErrors.reason(io) + StorageErrors.fix(path), io);
            }
            throw e;
        }
    }

    private static FileChannel open(Path path) throws IOException {
        try {
            return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new IOException("cannot create the Arrow file " + path + ": " + StorageErrors.reason(e) + StorageErrors.fix(path), e);
        }
    }

    /** The path being written (the temporary name). */
    Path path() {
        return output.path();
    }

    /** Whether the file has ended (end marker and footer written). */
    boolean ended() {
        return ended;
    }

    /** Rows written so far (gathered rows not included). */
    long rows() {
        return rows;
    }

    /**
     * Writes {@code batch} (columns as {@link #sourceSchema}), or gathers it.
     *
     * @throws IOException naming the file, the stream and the fix
     */
    void write(VectorSchemaRoot batch) throws IOException {
        checkWritable();
        int count = batch.getRowCount();
        if (count == 0) {
            return;
        }
        VectorSchemaRoot selected = select(batch);
        if (pending == null || count >= batchRows) {
            writePending();
            writeOut(selected);
            return;
        }
        VectorSchemaRootAppender.append(false, pending, selected);
        if (pending.getRowCount() >= batchRows || bufferBytes(pending) >= batchBytes) {
            writePending();
        }
    }

    /** Writes the gathered rows and the write buffer, so that every batch is in the file (the core then forces it to disk). */
    void flush() throws IOException {
        if (failure == null && !ended) {
            writePending();
            try {
                buffer.drain();
            } catch (IOException e) {
                fail(e);
            }
        }
    }

    /**
     * Ends the file: gathered rows, the end-of-stream marker and, in the file format, the footer with
     * {@code footerMetadata}. After a failed write the file is completed from its complete messages.
     *
     * @throws IOException naming the file if it cannot be completed (it keeps its temporary name then)
     */
    void end(Map<String, String> footerMetadata) throws IOException {
        if (ended) {
            return;
        }
        IOException endFailure = null;
        if (failure == null) {
            try {
                writePending();
                sink.end(footerMetadata);
                buffer.drain();
                ended = true;
                return;
            } catch (IOException e) {
                failure = failure == null ? e : failure;
                endFailure = e;
            }
        }
        try {
            IpcCompletion.complete(channel, format, footerMetadata);
            ended = true;
        } catch (IOException e) {
            IOException error = new IOException("cannot complete the Arrow file " + path() + " of stream '" + stream
                    + "' after " + StorageErrors.reason(failure) + ": " + StorageErrors.reason(e) + "; it keeps its temporary name and is "
                    + "completed at the next start", e);
            error.addSuppressed(failure);
            throw error;
        }
        if (endFailure != null) {
            // complete and readable, but what was gathered or the end itself did not make it
            throw new IOException("ending the Arrow file " + path() + " of stream '" + stream + "' failed: "
                    + StorageErrors.reason(endFailure) + "; it was completed with its complete batches", endFailure);
        }
    }

    private void writePending() throws IOException {
        if (pending != null && pending.getRowCount() > 0) {
            try {
                writeOut(pending);
            } finally {
                // empty again, keeping the buffers' capacity for the next rows
                for (FieldVector vector : pending.getFieldVectors()) {
                    vector.reset();
                }
                pending.setRowCount(0);
            }
        }
    }

    private void writeOut(VectorSchemaRoot batch) throws IOException {
        try {
            sink.write(batch);
        } catch (IOException e) {
            fail(e);
        }
        rows += batch.getRowCount();
        output.addRows(batch.getRowCount());
    }

    /**
     * Records a failed write: what follows the last complete message in the file is cut off, so the
     * file stays readable up to its last complete batch, and no more batches are taken (the
     * write buffer no longer knows what reached the file).
     *
     * @throws IOException always: {@code e} with the file, the stream and the fix
     */
    private void fail(IOException e) throws IOException {
        failure = e;
        String kept = "";
        try {
            IpcCompletion.Scan scan = IpcCompletion.scan(channel, format);
            channel.truncate(scan.completeEnd());
            kept = ". The file keeps its first " + scan.rows() + " rows";
        } catch (IOException cut) {
            e.addSuppressed(cut);
        }
        throw new IOException("writing stream '" + stream + "' to the Arrow file " + path() + " failed: " + StorageErrors.reason(e)
                + kept + StorageErrors.fix(path()), e);
    }

    private void checkWritable() throws IOException {
        if (failure != null) {
            throw new IOException("the Arrow file " + path() + " of stream '" + stream + "' takes no more batches after "
                    + StorageErrors.reason(failure), failure);
        }
        if (ended) {
            throw new IllegalStateException(path() + " has ended");
        }
    }

    /** The file's columns of {@code batch}, as a root over the batch's own vectors (nothing is copied). */
    private VectorSchemaRoot select(VectorSchemaRoot batch) {
        if (columns.length == batch.getFieldVectors().size()) {
            return batch;
        }
        List<FieldVector> vectors = new ArrayList<>(columns.length);
        for (int column : columns) {
            vectors.add(batch.getVector(column));
        }
        return new VectorSchemaRoot(fields, vectors, batch.getRowCount());
    }

    private static long bufferBytes(VectorSchemaRoot root) {
        long bytes = 0;
        for (FieldVector vector : root.getFieldVectors()) {
            bytes += vector.getBufferSize();
        }
        return bytes;
    }

    /** Releases the file (and its lock), the codec and gathered rows; does not end the file. */
    @Override
    public void close() throws IOException {
        try (channel) {
            if (pending != null) {
                pending.close();
                pending = null;
            }
            if (codec instanceof BodyCodec body) {
                body.close();
            }
        }
    }
}
