package org.daqlab.writer.arrow.internal;

import com.google.flatbuffers.FlatBufferBuilder;
import org.apache.arrow.flatbuf.BodyCompression;
import org.apache.arrow.flatbuf.BodyCompressionMethod;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseVariableWidthViewVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.BufferLayout;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TypeLayout;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowFooter;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.MetadataVersion;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes one Arrow IPC stream or file: the schema message, the end marker and the file format's
 * footer through Arrow Java's serializer; record batch messages by this class, from any root
 * whose columns match the schema (the core hands each batch in its own root, valid during the call
 * only).
 *
 * <p>Why record batches are not written by Arrow's {@code ArrowStreamWriter}: for a batch of a
 * power meter (1,000 rows, 16 kB) its per-message work — a new {@code FlatBufferBuilder} and its
 * buffer, an {@code ArrowRecordBatch} with retained buffers, bounds-checked null counts, a
 * reflective {@code ByteBuffer} per buffer — cost about 2 µs, as much as writing the 16 kB, which
 * kept the writer at 0.7× the raw write (run/bench/RESULTS.md §6). Here the message is built in one
 * reused builder, null counts read the validity bitmap without bounds checks (its size is checked
 * once), and small buffers are copied into the {@link WriteBuffer} without a view.
 *
 * <p>The message is what Arrow writes: continuation marker, metadata length, {@code Message}
 * flatbuffer (version V5) padded so that the body starts 8-byte aligned, then every buffer at an
 * 8-byte aligned offset. Two differences, both allowed by the format and written the same way by
 * Arrow C++: a validity bitmap of a column without nulls is left empty (Arrow Java writes it: for
 * uint16 frames 1/16 more bytes to write and compress), and buffers are compressed with the file's
 * {@link CompressionCodec} (see {@link BodyCodec}).
 */
final class IpcSink {

    private static final byte[] MAGIC = "ARROW1".getBytes(StandardCharsets.US_ASCII);

    private final IpcFormat format;
    private final Schema schema;
    private final WriteBuffer out;
    /** Arrow's view of {@link #out}, for the messages Arrow serializes. */
    private final WriteChannel channel;
    private final CompressionCodec codec;
    private final boolean compressed;
    /** For each field node (depth-first), whether its first buffer is a validity bitmap. */
    private final boolean[] validityFirst;
    /** The record batches written, for the file format's footer. */
    private final List<ArrowBlock> blocks = new ArrayList<>();
    private final FlatBufferBuilder builder = new FlatBufferBuilder(1024);
    private final MessageParts parts = new MessageParts();
    private boolean started;

    IpcSink(IpcFormat format, Schema schema, WriteBuffer out, CompressionCodec codec) {
        this.format = format;
        this.schema = schema;
        this.out = out;
        this.channel = new WriteChannel(out);
        this.codec = codec;
        this.compressed = codec.getCodecType() != CompressionUtil.CodecType.NO_COMPRESSION;
        List<Boolean> nodes = new ArrayList<>();
        schema.getFields().forEach(field -> validityFirst(field, nodes));
        this.validityFirst = new boolean[nodes.size()];
        for (int i = 0; i < validityFirst.length; i++) {
            validityFirst[i] = nodes.get(i);
        }
    }

    private static void validityFirst(Field field, List<Boolean> nodes) {
        List<BufferLayout.BufferType> layout = TypeLayout.getTypeLayout(field.getType()).getBufferTypes();
        nodes.add(!layout.isEmpty() && layout.get(0) == BufferLayout.BufferType.VALIDITY);
        field.getChildren().forEach(child -> validityFirst(child, nodes));
    }

    /** Writes the magic (file format) and the schema message, once. */
    void start() throws IOException {
        if (started) {
            return;
        }
        if (format == IpcFormat.FILE) {
            channel.write(MAGIC);
            channel.align();
        }
        MessageSerializer.serialize(channel, schema, IpcOption.DEFAULT);
        started = true;
    }

    /** Bytes written so far: the end of the last complete message once {@link #write} returned. */
    long bytesWritten() {
        return out.position();
    }

    /** Writes one record batch message holding {@code batch}'s rows. */
    void write(VectorSchemaRoot batch) throws IOException {
        start();
        parts.clear();
        try {
            int node = 0;
            for (FieldVector vector : batch.getFieldVectors()) {
                node = collect(vector, node);
            }
            if (node != validityFirst.length) {
                throw new IllegalArgumentException("the batch has " + node + " field nodes, the file's schema "
                        + validityFirst.length + ": its columns do not match " + schema);
            }
            long start = out.position();
            long bodyLength = parts.layOut();
            ByteBuffer metadata = metadata(batch.getRowCount(), bodyLength);
            int prefixed = 8 + metadata.remaining();
            int padding = (int) ((-(start + prefixed)) & 7);
            out.writeInt(MessageSerializer.IPC_CONTINUATION_TOKEN);
            out.writeInt(metadata.remaining() + padding);
            out.write(metadata);
            out.zeros(padding);
            long bodyStart = out.position();
            for (int b = 0; b < parts.buffers; b++) {
                out.zeros((int) (bodyStart + parts.offsets[b] - out.position()));
                out.write(parts.data[b], parts.sizes[b]);
            }
            out.zeros((int) (bodyStart + bodyLength - out.position()));
            out.endOfBatch();
            if (format == IpcFormat.FILE) {
                blocks.add(new ArrowBlock(start, prefixed + padding, bodyLength));
            }
        } finally {
            parts.releaseCompressed();
        }
    }

    /** Adds {@code vector}'s field node and buffers, then its children's; returns the next node's index. */
    private int collect(FieldVector vector, int node) {
        List<ArrowBuf> buffers = vector.getFieldBuffers();
        int valueCount = vector.getValueCount();
        boolean validity = node < validityFirst.length && validityFirst[node];
        long nulls = validity ? nullCount(buffers.get(0), valueCount) : vector.getNullCount();
        parts.node(valueCount, nulls);
        if (vector instanceof BaseVariableWidthViewVector view) {
            parts.variadic(view.getDataBuffers().size());
        }
        for (int b = 0; b < buffers.size(); b++) {
            ArrowBuf buffer = buffers.get(b);
            if (b == 0 && validity && nulls == 0) {
                parts.buffer(null, 0, false); // left out: readers take a missing bitmap as "all valid"
            } else if (compressed && buffer.writerIndex() > 0) {
                buffer.getReferenceManager().retain(); // the codec takes this reference over
                ArrowBuf packed = codec.compress(vector.getAllocator(), buffer);
                parts.buffer(packed, packed.writerIndex(), true);
            } else {
                parts.buffer(buffer, buffer.writerIndex(), false);
            }
        }
        int next = node + 1;
        for (FieldVector child : vector.getChildrenFromFields()) {
            next = collect(child, next);
        }
        return next;
    }

    /**
     * Nulls among the first {@code valueCount} bits of {@code validity}. Arrow's own count reads the
     * bitmap a long at a time through bounds-checked accessors; its size is checked once here.
     */
    static long nullCount(ArrowBuf validity, int valueCount) {
        int bytes = BitVectorHelper.getValidityBufferSizeFromCount(valueCount);
        if (validity.capacity() < bytes) {
            throw new IllegalArgumentException("validity bitmap of " + validity.capacity() + " bytes for "
                    + valueCount + " values");
        }
        long address = validity.memoryAddress();
        long set = 0;
        int full = valueCount >>> 6;
        for (int i = 0; i < full; i++) {
            set += Long.bitCount(MemoryUtil.getLong(address + 8L * i));
        }
        int rest = valueCount & 63;
        if (rest > 0) {
            long tail = 0; // the last bytes, little-endian as the bitmap is, bits past the count masked off
            for (int b = 0; b < (rest + 7) >>> 3; b++) {
                tail |= (MemoryUtil.getByte(address + 8L * full + b) & 0xFFL) << (8 * b);
            }
            set += Long.bitCount(tail & ((1L << rest) - 1));
        }
        return valueCount - set;
    }

    /** The {@code Message} flatbuffer of a record batch of {@code length} rows, as {@link #parts} lays it out. */
    private ByteBuffer metadata(int length, long bodyLength) {
        builder.clear();
        int variadic = parts.variadicCount == 0 ? 0
                : RecordBatch.createVariadicBufferCountsVector(builder, Arrays.copyOf(parts.variadicCounts, parts.variadicCount));
        RecordBatch.startNodesVector(builder, parts.nodes);
        for (int n = parts.nodes - 1; n >= 0; n--) {
            FieldNode.createFieldNode(builder, parts.nodeLengths[n], parts.nodeNulls[n]);
        }
        int nodes = builder.endVector();
        RecordBatch.startBuffersVector(builder, parts.buffers);
        for (int b = parts.buffers - 1; b >= 0; b--) {
            Buffer.createBuffer(builder, parts.offsets[b], parts.sizes[b]);
        }
        int buffers = builder.endVector();
        int compression = compressed
                ? BodyCompression.createBodyCompression(builder, codec.getCodecType().getType(), BodyCompressionMethod.BUFFER)
                : 0;
        RecordBatch.startRecordBatch(builder);
        RecordBatch.addLength(builder, length);
        RecordBatch.addNodes(builder, nodes);
        RecordBatch.addBuffers(builder, buffers);
        if (compressed) {
            RecordBatch.addCompression(builder, compression);
        }
        if (variadic != 0) {
            RecordBatch.addVariadicBufferCounts(builder, variadic);
        }
        int header = RecordBatch.endRecordBatch(builder);
        Message.startMessage(builder);
        Message.addHeaderType(builder, MessageHeader.RecordBatch);
        Message.addHeader(builder, header);
        Message.addVersion(builder, MetadataVersion.DEFAULT.toFlatbufID());
        Message.addBodyLength(builder, bodyLength);
        builder.finish(Message.endMessage(builder));
        return builder.dataBuffer();
    }

    /** Writes the end-of-stream marker, and the footer with {@code footerMetadata} in the file format. */
    void end(Map<String, String> footerMetadata) throws IOException {
        start();
        writeEnd(channel, format, schema, List.of(), blocks, footerMetadata);
    }

    /**
     * Writes the end of an IPC {@code format} file whose messages end at {@code out}'s position: the
     * end-of-stream marker, and in the file format the footer listing {@code dictionaries} and
     * {@code batches}, and the magic.
     */
    static void writeEnd(WriteChannel out, IpcFormat format, Schema schema, List<ArrowBlock> dictionaries,
            List<ArrowBlock> batches, Map<String, String> footerMetadata) throws IOException {
        out.writeIntLittleEndian(MessageSerializer.IPC_CONTINUATION_TOKEN);
        out.writeIntLittleEndian(0);
        if (format == IpcFormat.FILE) {
            long footerStart = out.getCurrentPosition();
            out.write(new ArrowFooter(schema, dictionaries, batches, footerMetadata, MetadataVersion.DEFAULT), false);
            out.writeIntLittleEndian((int) (out.getCurrentPosition() - footerStart));
            out.write(MAGIC);
        }
    }

    /** A record batch's field nodes and buffers, in arrays reused from batch to batch. */
    private static final class MessageParts {
        int nodes;
        long[] nodeLengths = new long[8];
        long[] nodeNulls = new long[8];
        int variadicCount;
        long[] variadicCounts = new long[0];
        int buffers;
        ArrowBuf[] data = new ArrowBuf[16];
        long[] sizes = new long[16];
        long[] offsets = new long[16];
        /** Whether the buffer is a compressed copy, released after the write. */
        boolean[] owned = new boolean[16];

        void clear() {
            nodes = 0;
            variadicCount = 0;
            buffers = 0;
        }

        void node(long length, long nulls) {
            if (nodes == nodeLengths.length) {
                nodeLengths = Arrays.copyOf(nodeLengths, nodes * 2);
                nodeNulls = Arrays.copyOf(nodeNulls, nodes * 2);
            }
            nodeLengths[nodes] = length;
            nodeNulls[nodes++] = nulls;
        }

        void variadic(long count) {
            if (variadicCount == variadicCounts.length) {
                variadicCounts = Arrays.copyOf(variadicCounts, Math.max(4, variadicCount * 2));
            }
            variadicCounts[variadicCount++] = count;
        }

        void buffer(ArrowBuf buffer, long size, boolean compressedCopy) {
            if (buffers == data.length) {
                data = Arrays.copyOf(data, buffers * 2);
                sizes = Arrays.copyOf(sizes, buffers * 2);
                offsets = Arrays.copyOf(offsets, buffers * 2);
                owned = Arrays.copyOf(owned, buffers * 2);
            }
            data[buffers] = buffer;
            sizes[buffers] = size;
            owned[buffers++] = compressedCopy;
        }

        /** Places every buffer at an 8-byte aligned offset of the body; returns the body's length. */
        long layOut() {
            long offset = 0;
            for (int b = 0; b < buffers; b++) {
                offsets[b] = offset;
                offset = (offset + sizes[b] + 7) & ~7L;
            }
            return offset;
        }

        void releaseCompressed() {
            for (int b = 0; b < buffers; b++) {
                if (owned[b]) {
                    data[b].close();
                }
                data[b] = null;
            }
            buffers = 0;
        }
    }
}
