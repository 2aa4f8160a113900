package org.daqlab.writer.arrow.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.util.Map;
import java.util.Optional;

/**
 * Arrow Java's own IPC writers ({@link ArrowStreamWriter}, {@link ArrowFileWriter}), writing batches
 * of any root whose columns match the file's schema. Arrow's writers write the batch of the one root
 * they were built with; the core hands each batch in its own root (valid during the call only), so
 * {@link #write} unloads that root with the same codec and options Arrow's {@code writeBatch} uses,
 * without copying its buffers, and writes the message through Arrow's own serializer.
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
    static IpcSink open(IpcFormat format, VectorSchemaRoot schemaHolder, WritableByteChannel out,
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

    /** Arrow's {@code VectorUnloader} as {@code ArrowWriter.writeBatch} configures it: null counts, 8-byte aligned buffers. */
    private static ArrowRecordBatch unload(VectorSchemaRoot batch, CompressionCodec codec) {
        return new VectorUnloader(batch, true, codec, true).getRecordBatch();
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
        private final CompressionCodec codec;

        Stream(VectorSchemaRoot schemaHolder, WritableByteChannel out, CompressionCodec codec) {
            super(schemaHolder, new DictionaryProvider.MapDictionaryProvider(), out, IpcOption.DEFAULT,
                    factoryOf(codec), codec.getCodecType(), Optional.empty());
            this.codec = codec;
        }

        @Override
        public void write(VectorSchemaRoot batch) throws IOException {
            start();
            try (ArrowRecordBatch message = unload(batch, codec)) {
                writeRecordBatch(message);
            }
        }
    }

    /** The file format: Arrow's file writer keeps the blocks of the batches for the footer. */
    final class File extends ArrowFileWriter implements IpcSink {
        private final CompressionCodec codec;

        /** @param footer the footer's custom metadata: Arrow's writer keeps this map and reads it in {@link #end} */
        File(VectorSchemaRoot schemaHolder, WritableByteChannel out, CompressionCodec codec, Map<String, String> footer) {
            super(schemaHolder, new DictionaryProvider.MapDictionaryProvider(), out, footer, IpcOption.DEFAULT,
                    factoryOf(codec), codec.getCodecType(), Optional.empty());
            this.codec = codec;
        }

        @Override
        public void write(VectorSchemaRoot batch) throws IOException {
            start();
            try (ArrowRecordBatch message = unload(batch, codec)) {
                writeRecordBatch(message);
            }
        }
    }
}
