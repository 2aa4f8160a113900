package org.daqlab.writer.parquet.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;

/**
 * Batches kept as Arrow IPC record batch messages, in memory until a flush appends them to the
 * journal; and the reverse, for recovery.
 */
final class IpcSpool {

    /** A byte array output stream whose array can be handed on without a copy. */
    private static final class Bytes extends ByteArrayOutputStream {
        byte[] array() {
            return buf;
        }
    }

    private final Bytes bytes = new Bytes();
    private WriteChannel channel = new WriteChannel(Channels.newChannel(bytes));

    /** Appends {@code batch} (which the caller still owns). */
    void add(VectorSchemaRoot batch) throws IOException {
        try (ArrowRecordBatch message = new VectorUnloader(batch).getRecordBatch()) {
            MessageSerializer.serialize(channel, message);
        }
    }

    /** The spooled messages: the first {@link #length()} bytes of this array. */
    byte[] array() {
        return bytes.array();
    }

    int length() {
        return bytes.size();
    }

    void clear() {
        bytes.reset();
        // the channel pads messages to 8-byte boundaries counting from its own start
        channel = new WriteChannel(Channels.newChannel(bytes));
    }

    /** A consumer of spooled batches, each valid only during the call. */
    interface BatchConsumer {
        void accept(VectorSchemaRoot batch) throws IOException;
    }

    /** Decodes every batch of {@code messages} (as written by {@link #add}) into roots of {@code schema}. */
    static long replay(byte[] messages, Schema schema, BufferAllocator allocator, BatchConsumer consumer) throws IOException {
        ReadChannel in = new ReadChannel(Channels.newChannel(new ByteArrayInputStream(messages)));
        long rows = 0;
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            VectorLoader loader = new VectorLoader(root);
            while (in.bytesRead() < messages.length) {
                try (ArrowRecordBatch batch = MessageSerializer.deserializeRecordBatch(in, allocator)) {
                    loader.load(batch);
                }
                consumer.accept(root);
                rows += root.getRowCount();
            }
        }
        return rows;
    }
}
