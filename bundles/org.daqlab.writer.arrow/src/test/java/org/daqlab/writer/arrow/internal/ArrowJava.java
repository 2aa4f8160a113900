package org.daqlab.writer.arrow.internal;

import org.apache.arrow.flatbuf.BodyCompression;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.message.MessageChannelReader;
import org.apache.arrow.vector.ipc.message.MessageResult;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads files back with Arrow Java's own readers (and the writer's codecs for compressed bodies). */
final class ArrowJava {

    /** The writer's codecs, as a reader's factory. */
    static final CompressionCodec.Factory CODECS = new CompressionCodec.Factory() {
        @Override
        public CompressionCodec createCodec(CompressionUtil.CodecType type) {
            return switch (type) {
                case ZSTD -> new ZstdCodec(1);
                case LZ4_FRAME -> new Lz4FrameCodec();
                case NO_COMPRESSION -> NoCompressionCodec.INSTANCE;
            };
        }

        @Override
        public CompressionCodec createCodec(CompressionUtil.CodecType type, int level) {
            return createCodec(type);
        }
    };

    private ArrowJava() {
    }

    /** Looks at one batch while the reader holds it. */
    interface BatchCheck {
        void check(int index, VectorSchemaRoot batch) throws Exception;
    }

    /**
     * What Arrow Java read from a file.
     *
     * @param schema         the schema
     * @param footerMetadata the footer's custom metadata (file format), else null
     * @param batches        how many batches there were
     */
    record Read(Schema schema, Map<String, String> footerMetadata, int batches) {
    }

    /** Reads every batch of {@code path}, handing each to {@code check}. */
    static Read read(Path path, IpcFormat format, BufferAllocator allocator, BatchCheck check) throws Exception {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
             ArrowReader reader = format == IpcFormat.STREAM ? new ArrowStreamReader(channel, allocator, CODECS)
                     : new ArrowFileReader(channel, allocator, CODECS)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            int batches = 0;
            while (reader.loadNextBatch()) {
                check.check(batches++, root);
            }
            return new Read(root.getSchema(), reader instanceof ArrowFileReader file ? file.getMetaData() : null, batches);
        }
    }

    /** The length of every buffer of every record batch message of a stream-format file, batch by batch. */
    static List<List<Long>> bufferLengths(Path path, BufferAllocator allocator) throws IOException {
        List<List<Long>> batches = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MessageChannelReader messages = new MessageChannelReader(new ReadChannel(channel), allocator);
            for (MessageResult m; (m = messages.readNext()) != null; ) {
                try (ArrowBuf body = m.getBodyBuffer()) {
                    if (m.getMessage().headerType() == MessageHeader.RecordBatch) {
                        RecordBatch batch = (RecordBatch) m.getMessage().header(new RecordBatch());
                        List<Long> lengths = new ArrayList<>();
                        for (int b = 0; b < batch.buffersLength(); b++) {
                            lengths.add(batch.buffers(b).length());
                        }
                        batches.add(lengths);
                    }
                }
            }
        }
        return batches;
    }

    /**
     * The body compression codec of every record batch message of a stream-format file ({@code -1}
     * for none), read from the messages themselves.
     */
    static List<Integer> batchCodecs(Path path, BufferAllocator allocator) throws IOException {
        List<Integer> codecs = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MessageChannelReader messages = new MessageChannelReader(new ReadChannel(channel), allocator);
            for (MessageResult m; (m = messages.readNext()) != null; ) {
                try (ArrowBuf body = m.getBodyBuffer()) {
                    if (m.getMessage().headerType() == MessageHeader.RecordBatch) {
                        BodyCompression compression = ((RecordBatch) m.getMessage().header(new RecordBatch())).compression();
                        codecs.add(compression == null ? -1 : (int) compression.codec());
                    }
                }
            }
        }
        return codecs;
    }
}
