package org.daqlab.itest;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingBuffer;
import org.daqlab.api.ring.RingReader;
import org.daqlab.api.ring.RingRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent reader of the ring: decodes every stream's batches into plain Java values, so a
 * test can compare what the instruments published with what the writers wrote. Frame columns are
 * left out (CSV does not carry them).
 */
final class RingTap implements AutoCloseable {

    private final RingReader reader;
    private final BufferAllocator allocator;
    private final Map<Integer, Schema> schemas = new HashMap<>();
    private final Map<String, Schema> schemasByStream = new LinkedHashMap<>();
    /** stream → rows, each row the values of the non-frame columns in schema order. */
    private final Map<String, List<List<Object>>> rows = new LinkedHashMap<>();
    private volatile boolean recording;

    RingTap(RingBuffer ring, BufferAllocator root) {
        this.reader = ring.openReader("itest-tap");
        this.allocator = root.newChildAllocator("itest-tap", 0, Long.MAX_VALUE);
    }

    void record(boolean on) {
        recording = on;
    }

    /** Reads everything published so far. */
    void drain() {
        while (reader.poll(this::onRecord, 1024) > 0) {
            // keep reading
        }
    }

    long lost() {
        return reader.lostRecords();
    }

    Map<String, List<List<Object>>> rows() {
        return rows;
    }

    Schema schema(String stream) {
        return schemasByStream.get(stream);
    }

    private void onRecord(RingRecord record) {
        try {
            if (record.type() == RecordType.DESCRIPTOR) {
                Schema schema = MessageSerializer.deserializeSchema(new ReadChannel(channel(record.payload())));
                schemas.put(record.streamId(), schema);
                schemasByStream.put(schema.getCustomMetadata().get(StreamSchemas.STREAM), schema);
            } else if (record.type() == RecordType.RUN_START) {
                record(true);
            } else if (record.type() == RecordType.RUN_STOP) {
                record(false);
            } else if (record.type() == RecordType.BATCH && recording) {
                Schema schema = schemas.get(record.streamId());
                if (schema != null) {
                    decode(schema, record.payload());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void decode(Schema schema, ByteBuffer payload) throws IOException {
        String stream = schema.getCustomMetadata().get(StreamSchemas.STREAM);
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
             ArrowRecordBatch batch = MessageSerializer.deserializeRecordBatch(new ReadChannel(channel(payload)), allocator)) {
            new VectorLoader(root).load(batch);
            List<List<Object>> out = rows.computeIfAbsent(stream, s -> new ArrayList<>());
            for (int r = 0; r < root.getRowCount(); r++) {
                List<Object> row = new ArrayList<>();
                for (FieldVector v : root.getFieldVectors()) {
                    Field f = v.getField();
                    if (!StreamSchemas.isFrame(f)) {
                        row.add(v.getObject(r));
                    }
                }
                out.add(row);
            }
        }
    }

    private static ByteArrayReadableSeekableByteChannel channel(ByteBuffer payload) {
        ByteBuffer copy = payload.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return new ByteArrayReadableSeekableByteChannel(bytes);
    }

    @Override
    public void close() {
        reader.close();
        allocator.close();
    }
}
