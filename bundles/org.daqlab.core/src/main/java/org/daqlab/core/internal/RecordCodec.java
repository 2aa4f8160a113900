package org.daqlab.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.FixedShapeTensorType;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes what travels through the ring and decodes it again: Arrow IPC encapsulated messages for
 * descriptors (schema) and batches, UTF-8 JSON for run documents and metadata.
 *
 * <p>A descriptor's typed instrument metadata travels as JSON in the schema metadata under
 * {@value #DESCRIPTOR_METADATA_KEY}, so the schema message alone describes the stream to any reader.
 */
final class RecordCodec {

    static final String DESCRIPTOR_METADATA_KEY = "daqlab.metadata";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    static {
        FixedShapeTensorType.register();
    }

    private RecordCodec() {
    }

    static byte[] encodeDescriptor(StreamDescriptor descriptor) {
        Map<String, String> metadata = new LinkedHashMap<>(descriptor.schema().getCustomMetadata());
        metadata.put(StreamSchemas.STREAM, descriptor.stream());
        metadata.put(StreamSchemas.INSTRUMENT_ID, descriptor.instrumentId());
        metadata.put(DESCRIPTOR_METADATA_KEY, toJson(descriptor.metadata()));
        Schema schema = new Schema(descriptor.schema().getFields(), metadata);
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try {
            MessageSerializer.serialize(new WriteChannel(Channels.newChannel(out)), schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static StreamDescriptor decodeDescriptor(ByteBuffer payload) throws IOException {
        Schema schema = MessageSerializer.deserializeSchema(new ReadChannel(channel(payload)));
        Map<String, String> all = new LinkedHashMap<>(schema.getCustomMetadata());
        String typed = all.remove(DESCRIPTOR_METADATA_KEY);
        Map<String, Object> metadata = typed == null ? Map.of() : normalize(fromJson(typed));
        Schema clean = new Schema(schema.getFields(), all);
        return new StreamDescriptor(all.get(StreamSchemas.STREAM), all.get(StreamSchemas.INSTRUMENT_ID), clean, metadata);
    }

    /** Loads a batch message into {@code root}, whose schema must be the stream's. */
    static void decodeBatch(ByteBuffer payload, BufferAllocator allocator, VectorSchemaRoot root) throws IOException {
        try (ArrowRecordBatch batch = MessageSerializer.deserializeRecordBatch(new ReadChannel(channel(payload)), allocator)) {
            if (batch == null) {
                throw new IOException("batch record holds no Arrow record batch message");
            }
            new VectorLoader(root).load(batch);
        }
    }

    static byte[] encodeRunStart(RunStart start) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("uid", start.uid());
        doc.put("timestamp_ns", start.timestampNs());
        doc.put("name", start.name());
        doc.put("metadata", start.metadata());
        return json(doc);
    }

    static RunStart decodeRunStart(ByteBuffer payload) throws IOException {
        Map<String, Object> doc = parse(payload);
        return new RunStart((String) doc.get("uid"), ((Number) doc.get("timestamp_ns")).longValue(),
                (String) doc.get("name"), normalize(map(doc.get("metadata"))));
    }

    static byte[] encodeRunStop(RunStop stop) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("uid", stop.uid());
        doc.put("timestamp_ns", stop.timestampNs());
        doc.put("exit_status", stop.exitStatus().name().toLowerCase());
        doc.put("reason", stop.reason());
        doc.put("rows_per_stream", stop.rowsPerStream());
        return json(doc);
    }

    static RunStop decodeRunStop(ByteBuffer payload) throws IOException {
        Map<String, Object> doc = parse(payload);
        Map<String, Long> rows = new HashMap<>();
        map(doc.get("rows_per_stream")).forEach((k, v) -> rows.put(k, ((Number) v).longValue()));
        return new RunStop((String) doc.get("uid"), ((Number) doc.get("timestamp_ns")).longValue(),
                RunStop.ExitStatus.valueOf(((String) doc.get("exit_status")).toUpperCase()), (String) doc.get("reason"), rows);
    }

    static byte[] encodeMetadata(MetadataUpdate update) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("instrument_id", update.instrumentId());
        doc.put("key", update.key());
        doc.put("value", update.value());
        doc.put("timestamp_ns", update.timestampNs());
        return json(doc);
    }

    static MetadataUpdate decodeMetadata(ByteBuffer payload) throws IOException {
        Map<String, Object> doc = parse(payload);
        return new MetadataUpdate((String) doc.get("instrument_id"), (String) doc.get("key"),
                normalizeValue(doc.get("value")), ((Number) doc.get("timestamp_ns")).longValue());
    }

    static byte[] encodeName(String field, String value) {
        return json(Map.of(field, value));
    }

    static String decodeName(ByteBuffer payload, String field) throws IOException {
        return (String) parse(payload).get(field);
    }

    /** Metadata values as the API promises them: String, Long, Double or Boolean. */
    static Object normalizeValue(Object value) {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float || value instanceof java.math.BigDecimal) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof java.math.BigInteger b) {
            return b.doubleValue();
        }
        return value;
    }

    static Map<String, Object> normalize(Map<String, Object> metadata) {
        Map<String, Object> out = new LinkedHashMap<>();
        metadata.forEach((k, v) -> out.put(k, normalizeValue(v)));
        return out;
    }

    static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, Object> fromJson(String text) throws IOException {
        return JSON.readValue(text, MAP);
    }

    private static byte[] json(Object doc) {
        return toJson(doc).getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Object> parse(ByteBuffer payload) throws IOException {
        ByteBuffer view = payload.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return JSON.readValue(bytes, MAP);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    /** A channel over a buffer's remaining bytes; leaves the buffer itself untouched. */
    private static ReadableByteChannel channel(ByteBuffer payload) {
        ByteBuffer source = payload.duplicate();
        return new ReadableByteChannel() {
            private boolean open = true;

            @Override
            public int read(ByteBuffer dst) {
                if (!source.hasRemaining()) {
                    return -1;
                }
                int n = Math.min(dst.remaining(), source.remaining());
                ByteBuffer slice = source.slice();
                slice.limit(n);
                dst.put(slice);
                source.position(source.position() + n);
                return n;
            }

            @Override
            public boolean isOpen() {
                return open;
            }

            @Override
            public void close() {
                open = false;
            }
        };
    }
}
