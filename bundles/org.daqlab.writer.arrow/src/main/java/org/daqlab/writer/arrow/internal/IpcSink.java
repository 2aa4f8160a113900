package org.daqlab.writer.arrow.internal;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BufferLayout;
import org.apache.arrow.vector.TypeLayout;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Arrow Java's own IPC writers ({@link ArrowStreamWriter}, {@link ArrowFileWriter}), writing batches
 * of any root whose columns match the file's schema. Arrow's writers write the batch of the one root
 * they were built with; the core hands each batch in its own root (valid during the call only), so
 * {@link #write} unloads that root as Arrow's {@code writeBatch} does (null counts, 8-byte aligned
 * buffers, without copying them), leaves out the validity bitmaps of columns without nulls, as
 * Arrow C++ does and the format allows (a zero-length buffer; Arrow Java writes them all: for uint16
 * frames that is 1/16 more bytes to write and compress), compresses the rest with the file's codec,
 * and writes the message through Arrow's own serializer.
 */
interface IpcSink {

    /** Writes the magic (file format) and the schema message. */
    void start() throws IOException;

    /** Writes one record batch message holding {@code batch}'s rows. */
    void write(VectorSchemaRoot batch) throws IOException;

    /** Writes the end-of-stream marker, and the footer in the file format. */
    void end() throws IOException;

    /** Bytes written so far: the end of the last complete message once {@link #write} returned. */
    long bytesWritten();

    /**
     * Arrow's writer for {@code format}, writing {@code schema} (with its metadata) to {@code out}.
     *
     * @param schemaHolder an empty root of {@code schema}: Arrow's writers take the schema from a root (never
     *                     loaded; the caller closes it)
     * @param footer       custom metadata of the file format's footer, read when {@link #end} is called
     */
    static IpcSink open(IpcFormat format, VectorSchemaRoot schemaHolder, WriteBuffer out,
            CompressionCodec codec, Map<String, String> footer) {
        return switch (format) {
            case STREAM -> new Stream(schemaHolder, out, codec);
            case FILE -> new File(schemaHolder, out, codec, footer);
        };
    }

    /** An empty root of {@code schema}, to build a sink with. */
    static VectorSchemaRoot schemaHolder(Schema schema, BufferAllocator allocator) {
        return VectorSchemaRoot.create(schema, allocator);
    }

    /**
     * Unloads {@code batch} into a record batch message: the buffers as they are (retained, not
     * copied), but a validity bitmap whose column has no nulls left empty, then compressed.
     *
     * @param validity for each field node (depth-first), the index of its validity buffer, or -1
     */
    private static ArrowRecordBatch unload(VectorSchemaRoot batch, CompressionCodec codec, int[] validity) {
        try (ArrowRecordBatch plain = new VectorUnloader(batch, true, NoCompressionCodec.INSTANCE, true).getRecordBatch()) {
            List<ArrowBuf> source = plain.getBuffers();
            boolean[] omit = new boolean[source.size()];
            List<ArrowFieldNode> nodes = plain.getNodes();
            for (int node = 0; node < validity.length && node < nodes.size(); node++) {
                if (validity[node] >= 0 && nodes.get(node).getNullCount() == 0) {
                    omit[validity[node]] = true;
                }
            }
            List<ArrowBuf> buffers = new ArrayList<>(source.size());
            try {
                for (int b = 0; b < source.size(); b++) {
                    ArrowBuf buffer = source.get(b);
                    BufferAllocator allocator = buffer.getReferenceManager().getAllocator();
                    if (omit[b]) {
                        buffers.add(allocator.getEmpty());
                    } else {
                        buffer.getReferenceManager().retain(); // the codec takes this reference over
                        buffers.add(codec.compress(allocator, buffer));
                    }
                }
            } catch (RuntimeException e) {
                buffers.forEach(ArrowBuf::close);
                throw e;
            }
            return new ArrowRecordBatch(plain.getLength(), nodes, buffers, CompressionUtil.createBodyCompression(codec),
                    plain.getVariadicBufferCounts(), true, false);
        }
    }

    /**
     * For each field node of {@code schema} (depth-first, as batches list them), the index of its
     * validity buffer among the batch's buffers, or -1 if it has none. Empty (nothing left out) when a
     * field has variadic buffers (view types), whose count varies from batch to batch.
     */
    static int[] validityBuffers(Schema schema) {
        List<Integer> indices = new ArrayList<>();
        int[] next = {0};
        for (Field field : schema.getFields()) {
            if (!validityBuffers(field, indices, next)) {
                return new int[0];
            }
        }
        return indices.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean validityBuffers(Field field, List<Integer> indices, int[] next) {
        ArrowType type = field.getType();
        if (type instanceof ArrowType.Utf8View || type instanceof ArrowType.BinaryView
                || type instanceof ArrowType.ListView || type instanceof ArrowType.LargeListView) {
            return false;
        }
        List<BufferLayout.BufferType> layout = TypeLayout.getTypeLayout(type).getBufferTypes();
        indices.add(!layout.isEmpty() && layout.get(0) == BufferLayout.BufferType.VALIDITY ? next[0] : -1);
        next[0] += layout.size();
        for (Field child : field.getChildren()) {
            if (!validityBuffers(child, indices, next)) {
                return false;
            }
        }
        return true;
    }

    /** Hands the file's one codec to Arrow's writer, which asks a factory for it. */
    private static CompressionCodec.Factory factoryOf(CompressionCodec codec) {
        return new CompressionCodec.Factory() {
            @Override
            public CompressionCodec createCodec(CompressionUtil.CodecType codecType) {
                return codec;
            }

            @Override
            public CompressionCodec createCodec(CompressionUtil.CodecType codecType, int compressionLevel) {
                return codec;
            }
        };
    }

    /** The streaming format. */
    final class Stream extends ArrowStreamWriter implements IpcSink {
        private final WriteBuffer out;
        private final CompressionCodec codec;
        private final int[] validity;

        Stream(VectorSchemaRoot schemaHolder, WriteBuffer out, CompressionCodec codec) {
            super(schemaHolder, new DictionaryProvider.MapDictionaryProvider(), out, IpcOption.DEFAULT,
                    factoryOf(codec), codec.getCodecType(), Optional.empty());
            this.out = out;
            this.codec = codec;
            this.validity = validityBuffers(schemaHolder.getSchema());
        }

        @Override
        public void write(VectorSchemaRoot batch) throws IOException {
            start();
            try (ArrowRecordBatch message = unload(batch, codec, validity)) {
                writeRecordBatch(message);
                out.endOfBatch();
            }
        }
    }

    /** The file format: Arrow's file writer keeps the blocks of the batches for the footer. */
    final class File extends ArrowFileWriter implements IpcSink {
        private final WriteBuffer out;
        private final CompressionCodec codec;
        private final int[] validity;

        /** @param footer the footer's custom metadata: Arrow's writer keeps this map and reads it in {@link #end} */
        File(VectorSchemaRoot schemaHolder, WriteBuffer out, CompressionCodec codec, Map<String, String> footer) {
            super(schemaHolder, new DictionaryProvider.MapDictionaryProvider(), out, footer, IpcOption.DEFAULT,
                    factoryOf(codec), codec.getCodecType(), Optional.empty());
            this.out = out;
            this.codec = codec;
            this.validity = validityBuffers(schemaHolder.getSchema());
        }

        @Override
        public void write(VectorSchemaRoot batch) throws IOException {
            start();
            try (ArrowRecordBatch message = unload(batch, codec, validity)) {
                writeRecordBatch(message);
                out.endOfBatch();
            }
        }
    }
}
