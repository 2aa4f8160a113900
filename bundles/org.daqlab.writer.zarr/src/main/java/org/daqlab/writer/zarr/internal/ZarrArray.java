package org.daqlab.writer.zarr.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.arrow.vector.FieldVector;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One column of a stream as a Zarr array {@code [time, …]} that grows as rows arrive (runner thread,
 * but for the chunk tasks it hands to the workers). Rows fill a chunk buffer; a full chunk is
 * encoded and written by a worker as a new file, which no reader looks at until a flush extends the
 * array's shape over it. At a flush the unfinished last chunk is written too, replacing its previous
 * version atomically, as is the chunk file once it fills later; only then is the shape rewritten.
 *
 * <p>With sharding (v3, frames), a file holds a shard of {@code chunksPerShard} chunks followed by
 * its index: the encoded chunks of the current shard are kept until the last one is encoded, and
 * the shard is written at once; a flush writes the shard so far (missing chunks marked empty).
 */
final class ZarrArray {

    /** A chunk's buffer and its compressed form (which can be a little larger) must stay below 2 GiB. */
    private static final long MAX_CHUNK_BYTES = 1L << 30;
    /** Shard index entry of a chunk not in the shard: offset and length 2^64 - 1. */
    private static final long EMPTY = -1L;

    final String stream;
    final String column;
    /** {@code <group>/<array>}, for messages. */
    final String node;
    final Path directory;
    final ColumnLayout layout;
    private final StoreContext context;
    private final String[] dimensions;
    private final ObjectNode attributes;
    /** Rows per chunk (per inner chunk when sharded). */
    private final int chunkRows;
    private final int chunksPerShard;
    private final boolean sharded;

    /** Rows appended. */
    private long rows;
    /** Rows the shape on disk covers. */
    private long flushedRows;
    /** The chunk being filled, from {@link StoreContext#buffers()}, or null. */
    private ByteBuffer chunk;
    private int inChunk;
    private long chunkIndex;
    /** The shard being filled (sharded arrays). */
    private Shard shard;
    /** Index of the file (chunk, or shard) that a flush wrote unfinished; its next version must replace it. */
    private long partialOnDisk = -1;
    private boolean nullsReported;

    /** The encoded chunks of one shard, filled by the workers; the one that fills the last writes the shard. */
    private static final class Shard {
        final long index;
        final ByteBuffer[] chunks;
        final AtomicInteger missing;

        Shard(long index, int chunks) {
            this.index = index;
            this.chunks = new ByteBuffer[chunks];
            this.missing = new AtomicInteger(chunks);
        }
    }

    /**
     * Creates the array's directory and its metadata (no rows yet).
     *
     * @param dimensions the dimension names, {@code time} first
     * @param attributes the array's attributes but the dimension names
     * @throws IOException if a chunk would exceed what one buffer holds (naming the setting), or writing fails
     */
    ZarrArray(StoreContext context, String stream, String column, String node, Path directory, ColumnLayout layout,
            String[] dimensions, ObjectNode attributes) throws IOException {
        this.context = context;
        this.stream = stream;
        this.column = column;
        this.node = node;
        this.directory = directory;
        this.layout = layout;
        this.dimensions = dimensions;
        this.attributes = attributes;
        ZarrSettings settings = context.settings();
        this.chunkRows = layout.isTensor() ? settings.framesPerChunk() : settings.chunkRows();
        this.sharded = layout.isTensor() && settings.shardFrames() > 0;
        this.chunksPerShard = sharded ? settings.shardFrames() / settings.framesPerChunk() : 1;
        long chunkBytes = (long) chunkRows * layout.rowBytes();
        if (chunkBytes > MAX_CHUNK_BYTES) {
            throw new IOException("stream '" + stream + "': a chunk of column '" + column + "' would hold " + chunkRows
                    + " rows of " + layout.rowBytes() + " bytes, more than the 1 GiB a chunk can have: lower "
                    + (layout.isTensor() ? "frames_per_chunk" : "chunk_rows") + " of the Zarr writer");
        }
        context.store().createDirectory(directory);
        writeMetadata(0, true);
    }

    /** Rows appended so far. */
    long rows() {
        return rows;
    }

    /** Appends {@code count} rows of {@code vector}; full chunks go to the workers. */
    void append(FieldVector vector, int count) throws IOException {
        int rowBytes = layout.rowBytes();
        for (int from = 0; from < count; ) {
            if (chunk == null) {
                chunk = context.buffers().take(chunkRows * rowBytes + ChunkCodec.CHECKSUM);
            }
            int n = Math.min(count - from, chunkRows - inChunk);
            if (ColumnValues.copy(vector, layout, from, n, chunk, inChunk * rowBytes) && !nullsReported) {
                nullsReported = true;
                context.notices().accept("stream '" + stream + "': column '" + column + "' has null values; they are "
                        + "written as 0 to the Zarr array " + node + " (Zarr has no missing values but NaN, which only "
                        + "floats have)");
            }
            inChunk += n;
            from += n;
            rows += n;
            if (inChunk == chunkRows) {
                handOver();
            }
        }
    }

    /** Gives the full chunk to the workers, which give its buffer back once it is encoded. */
    private void handOver() throws IOException {
        ByteBuffer raw = chunk;
        int length = chunkRows * layout.rowBytes();
        long index = chunkIndex++;
        chunk = null;
        inChunk = 0;
        if (!sharded) {
            boolean replace = index == partialOnDisk;
            context.chunks().submit(() -> {
                try {
                    writeFile(index, replace, context.codec().encode(raw, length));
                } finally {
                    context.buffers().give(raw);
                }
            });
            return;
        }
        Shard target = currentShard(index);
        int slot = (int) (index % chunksPerShard);
        boolean replace = target.index == partialOnDisk;
        if (slot == chunksPerShard - 1) {
            shard = null; // the next chunk starts the next shard
        }
        context.chunks().submit(() -> {
            try {
                target.chunks[slot] = context.codec().encodeToKeep(raw, length);
            } finally {
                context.buffers().give(raw);
            }
            if (target.missing.decrementAndGet() == 0) {
                writeFile(target.index, replace, shardBytes(target.chunks));
            }
        });
    }

    private Shard currentShard(long chunk) {
        if (shard == null) {
            shard = new Shard(chunk / chunksPerShard, chunksPerShard);
        }
        return shard;
    }

    /**
     * The flush's writing of rows not in a written file yet: the unfinished chunk (or shard), or
     * {@code null} if there are none. Called when no chunk task is running; the task reads this
     * array's buffers and must end before rows are appended again.
     */
    Parallel.Task unfinished() {
        if (inChunk > 0) {
            // the buffer is recycled: zeros after the rows, where a reader's decoder expects the chunk to go on
            int rowsBytes = inChunk * layout.rowBytes();
            ColumnValues.zero(chunk, rowsBytes, chunkRows * layout.rowBytes() - rowsBytes);
        }
        ByteBuffer raw = chunk;
        int length = chunkRows * layout.rowBytes();
        if (!sharded) {
            if (inChunk == 0) {
                return null;
            }
            long index = chunkIndex;
            partialOnDisk = index;
            return () -> writeFile(index, true, context.codec().encode(raw, length));
        }
        if (inChunk == 0 && shard == null) {
            return null;
        }
        Shard target = currentShard(chunkIndex);
        ByteBuffer[] chunks = target.chunks.clone();
        int slot = (int) (chunkIndex % chunksPerShard);
        boolean partialChunk = inChunk > 0;
        partialOnDisk = target.index;
        return () -> {
            if (partialChunk) {
                chunks[slot] = context.codec().encodeToKeep(raw, length);
            }
            writeFile(target.index, true, shardBytes(chunks));
        };
    }

    /** Whether the shape on disk lags the rows appended. */
    boolean grew() {
        return rows != flushedRows;
    }

    /** The flush's rewriting of the shape, once the rows it covers are durable. */
    Parallel.Task shapeUpdate() {
        long covered = rows;
        return () -> {
            writeMetadata(covered, false);
            flushedRows = covered;
        };
    }

    private void writeFile(long index, boolean replace, ByteBuffer... data) throws IOException {
        Path file = directory.resolve(key(index));
        try {
            if (replace) {
                context.store().replace(file, data);
            } else {
                context.store().writeNew(file, data);
            }
        } catch (IOException e) {
            throw new IOException("writing " + (sharded ? "shard " : "chunk ") + file + " of stream '" + stream
                    + "' failed: " + reason(e), e);
        }
    }

    /** A shard: the chunks present, then the index of (offset, length) pairs, uint64 little endian (+ CRC-32C). */
    private ByteBuffer[] shardBytes(ByteBuffer[] chunks) {
        List<ByteBuffer> parts = new ArrayList<>(chunks.length + 1);
        int indexBytes = 16 * chunks.length;
        ByteBuffer index = ByteBuffer.allocate(indexBytes + (context.codec().crc32c ? ChunkCodec.CHECKSUM : 0))
                .order(ByteOrder.LITTLE_ENDIAN);
        long offset = 0;
        for (ByteBuffer c : chunks) {
            if (c == null) {
                index.putLong(EMPTY).putLong(EMPTY);
            } else {
                index.putLong(offset).putLong(c.remaining());
                offset += c.remaining();
                parts.add(c.duplicate());
            }
        }
        if (context.codec().crc32c) {
            index.putInt(ChunkCodec.checksum(index.duplicate().flip()));
        }
        parts.add(index.flip());
        return parts.toArray(ByteBuffer[]::new);
    }

    /** The key of the file of chunk (or shard) {@code index} along time: {@code c.5.0.0} (v3) or {@code 5.0.0} (v2). */
    private String key(long index) {
        StringBuilder key = new StringBuilder(context.v3() ? "c." : "").append(index);
        for (int d = 0; d < layout.rowShape().length; d++) {
            key.append(".0");
        }
        return key.toString();
    }

    /** Writes the metadata with {@code shapeRows} rows: v3 zarr.json; v2 .zarray and, when {@code created}, .zattrs. */
    private void writeMetadata(long shapeRows, boolean created) throws IOException {
        try {
            if (context.v3()) {
                context.store().replace(directory.resolve("zarr.json"), ByteBuffer.wrap(context.json(v3Document(shapeRows))));
            } else {
                context.store().replace(directory.resolve(".zarray"), ByteBuffer.wrap(context.json(v2Document(shapeRows))));
                if (created) {
                    ObjectNode zattrs = attributes.deepCopy();
                    ArrayNode names = zattrs.putArray("_ARRAY_DIMENSIONS");
                    for (String d : dimensions) {
                        names.add(d);
                    }
                    context.store().replace(directory.resolve(".zattrs"), ByteBuffer.wrap(context.json(zattrs)));
                }
            }
        } catch (IOException e) {
            throw new IOException("writing the metadata of array " + directory + " of stream '" + stream + "' failed: "
                    + reason(e), e);
        }
    }

    private ObjectNode v3Document(long shapeRows) {
        ObjectNode doc = context.mapper().createObjectNode();
        doc.put("zarr_format", 3);
        doc.put("node_type", "array");
        shape(doc.putArray("shape"), shapeRows);
        doc.put("data_type", layout.type().v3);
        ObjectNode grid = doc.putObject("chunk_grid").put("name", "regular");
        shape(grid.putObject("configuration").putArray("chunk_shape"), (long) chunkRows * chunksPerShard);
        doc.putObject("chunk_key_encoding").put("name", "default").putObject("configuration").put("separator", ".");
        doc.set("fill_value", layout.type().v3FillValue());
        ArrayNode codecs = doc.putArray("codecs");
        if (sharded) {
            ObjectNode configuration = context.mapper().createObjectNode();
            shape(configuration.putArray("chunk_shape"), chunkRows);
            configuration.set("codecs", context.codec().v3Codecs());
            configuration.set("index_codecs", context.codec().v3IndexCodecs());
            configuration.put("index_location", "end");
            codecs.add(ChunkCodec.codec("sharding_indexed", configuration));
        } else {
            codecs.addAll(context.codec().v3Codecs());
        }
        doc.set("attributes", attributes);
        ArrayNode names = doc.putArray("dimension_names");
        for (String d : dimensions) {
            names.add(d);
        }
        return doc;
    }

    private ObjectNode v2Document(long shapeRows) {
        ObjectNode doc = context.mapper().createObjectNode();
        doc.put("zarr_format", 2);
        shape(doc.putArray("shape"), shapeRows);
        shape(doc.putArray("chunks"), chunkRows);
        doc.put("dtype", layout.type().v2);
        doc.set("compressor", context.codec().v2Compressor());
        doc.set("fill_value", layout.type().v2FillValue());
        doc.put("order", "C");
        doc.putNull("filters");
        doc.put("dimension_separator", ".");
        return doc;
    }

    private void shape(ArrayNode shape, long first) {
        shape.add(first);
        for (long d : layout.rowShape()) {
            shape.add(d);
        }
    }

    /** The JDK's message of a file error ("No space left on device"), which may not name the file. */
    static String reason(IOException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.contains("No space left on device")
                ? message + ". Fix: free space on the disk (the store keeps every row of its last flush)" : message;
    }
}
