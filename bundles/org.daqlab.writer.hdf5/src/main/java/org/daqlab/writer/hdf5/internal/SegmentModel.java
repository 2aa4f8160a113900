package org.daqlab.writer.hdf5.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a segment's {@code .h5} is built from, as replayed from its {@link Journal}: the same
 * code path serves a segment that closes normally and one recovered after a crash. Also holds the
 * encodings of the journal records, so that writing and reading them sit side by side.
 */
final class SegmentModel {

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();

    /** The run and file facts of the header record. */
    record Header(String runUid, String runName, long runStartNs, int segment, long createdNs, String application,
            ChunkCodec codec, long reservedBytes) {

        String toJson(Map<String, Object> runMetadata) {
            ObjectNode n = JSON.createObjectNode();
            n.set("run_metadata", JSON.valueToTree(runMetadata));
            n.put("run_uid", runUid).put("run_name", runName).put("run_start_ns", runStartNs).put("segment", segment)
                    .put("created_ns", createdNs).put("application", application)
                    .put("compression", codec.compression().option()).put("level", codec.level())
                    .put("shuffle", codec.shuffle()).put("reserved_bytes", reservedBytes);
            return n.toString();
        }

        static Header fromJson(JsonNode n) {
            return new Header(n.get("run_uid").asText(), n.get("run_name").asText(), n.get("run_start_ns").asLong(),
                    n.get("segment").asInt(), n.get("created_ns").asLong(), n.get("application").asText(),
                    new ChunkCodec(Compression.fromOption(n.get("compression").asText()), n.get("level").asInt(),
                            n.get("shuffle").asBoolean()), n.get("reserved_bytes").asLong());
        }
    }

    /** A chunk in the data file. */
    record ChunkRef(long offset, int size, int rows, int crc) {
    }

    /** A stream's group: attributes and columns. */
    static final class Group {
        final int id;
        final String name;
        final String stream;
        final String instrumentId;
        final long createdNs;
        final String schemaJson;
        final Map<String, Object> metadata;
        final List<Column> columns = new ArrayList<>();

        Group(int id, String name, String stream, String instrumentId, long createdNs, String schemaJson,
                Map<String, Object> metadata) {
            this.id = id;
            this.name = name;
            this.stream = stream;
            this.instrumentId = instrumentId;
            this.createdNs = createdNs;
            this.schemaJson = schemaJson;
            this.metadata = new LinkedHashMap<>(metadata);
        }

        /** Rows every column has: the dataset length. */
        long rows() {
            return columns.stream().mapToLong(Column::availableRows).min().orElse(0);
        }

        String toJson() {
            ObjectNode n = JSON.createObjectNode();
            n.put("id", id).put("group", name).put("stream", stream).put("instrument_id", instrumentId)
                    .put("created_ns", createdNs).put("schema", schemaJson);
            n.set("metadata", JSON.valueToTree(metadata));
            ArrayNode columnsNode = n.putArray("columns");
            for (Column c : columns) {
                ObjectNode cn = columnsNode.addObject();
                cn.put("dataset", c.layout.dataset()).put("field", c.layout.fieldIndex()).put("type", c.layout.type().name())
                        .put("chunk_rows", c.layout.chunkRows());
                ArrayNode shape = cn.putArray("shape");
                for (long d : c.layout.elementShape()) {
                    shape.add(d);
                }
            }
            return n.toString();
        }

        static Group fromJson(JsonNode n) throws JsonProcessingException {
            @SuppressWarnings("unchecked")
            Map<String, Object> metadata = JSON.treeToValue(n.get("metadata"), LinkedHashMap.class);
            Group g = new Group(n.get("id").asInt(), n.get("group").asText(), n.get("stream").asText(),
                    n.get("instrument_id").asText(), n.get("created_ns").asLong(), n.get("schema").asText(), metadata);
            for (JsonNode cn : n.get("columns")) {
                long[] shape = new long[cn.get("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = cn.get("shape").get(i).asLong();
                }
                g.columns.add(new Column(new ColumnLayout(cn.get("dataset").asText(), cn.get("field").asInt(),
                        ElementType.valueOf(cn.get("type").asText()), shape, cn.get("chunk_rows").asInt())));
            }
            return g;
        }
    }

    /** A column's chunks, the raw rows of its unfinished chunk and, for strings, where its values lie. */
    static final class Column {
        final ColumnLayout layout;
        /** Chunks by index; {@code null} where a chunk's record is missing. */
        final List<ChunkRef> chunks = new ArrayList<>();
        /** Rows of unfinished chunks saved at flushes, by first row. */
        final TreeMap<Long, byte[]> tails = new TreeMap<>();
        /** utf8 columns: journal offsets of STRINGS payloads, in row order. */
        final List<Long> stringRecords = new ArrayList<>();
        long stringRows;
        int maxStringBytes;

        Column(ColumnLayout layout) {
            this.layout = layout;
        }

        /** Rows held by chunks 0, 1, … without a gap. */
        long chunkedRows() {
            long rows = 0;
            for (ChunkRef c : chunks) {
                if (c == null) {
                    break;
                }
                rows += c.rows();
                if (c.rows() < layout.chunkRows()) {
                    break;
                }
            }
            return rows;
        }

        /** Number of chunks counted by {@link #chunkedRows}. */
        int chunkedCount() {
            long rows = chunkedRows();
            return (int) ((rows + layout.chunkRows() - 1) / layout.chunkRows());
        }

        /** Rows this column can give: chunks without a gap, then tails that continue them. */
        long availableRows() {
            if (layout.type() == ElementType.UTF8) {
                return stringRows;
            }
            long rows = chunkedRows();
            if (rows % layout.chunkRows() != 0) {
                return rows; // the last chunk is a partial one: the segment was closed normally
            }
            int rowBytes = layout.rowBytes();
            for (Map.Entry<Long, byte[]> tail : tails.tailMap(rows, true).entrySet()) {
                if (tail.getKey() != rows) {
                    break;
                }
                rows += tail.getValue().length / rowBytes;
            }
            return rows;
        }

        void addChunk(long index, ChunkRef chunk) {
            while (chunks.size() <= index) {
                chunks.add(null);
            }
            chunks.set(Math.toIntExact(index), chunk);
        }
    }

    Header header;
    final Map<String, Object> runMetadata = new LinkedHashMap<>();
    final List<Group> groups = new ArrayList<>();
    long flushes;
    long lastFlushNs;
    Journal.Replay replay;

    /**
     * Replays a journal.
     *
     * @throws IOException if it cannot be read, is not a journal or has no header
     */
    static SegmentModel replay(Path journal) throws IOException {
        SegmentModel model = new SegmentModel();
        model.replay = Journal.replay(journal, model::apply);
        if (model.header == null) {
            throw new IOException(journal + " holds no header record: nothing of the segment was recorded");
        }
        return model;
    }

    private void apply(Journal.Kind kind, ByteBuffer payload, long offset) throws IOException {
        payload.order(ByteOrder.LITTLE_ENDIAN);
        switch (kind) {
            case HEADER -> {
                JsonNode n = json(payload);
                header = Header.fromJson(n);
                @SuppressWarnings("unchecked")
                Map<String, Object> metadata = JSON.treeToValue(n.get("run_metadata"), LinkedHashMap.class);
                runMetadata.putAll(metadata);
            }
            case STREAM -> {
                Group g = Group.fromJson(json(payload));
                if (g.id != groups.size()) {
                    throw new IOException("journal lists group " + g.id + " after " + groups.size() + " groups");
                }
                groups.add(g);
            }
            case METADATA -> {
                JsonNode n = json(payload);
                Object value = JSON.treeToValue(n.get("value"), Object.class);
                JsonNode instrument = n.get("instrument_id");
                if (instrument == null || instrument.isNull()) {
                    runMetadata.put(n.get("key").asText(), value);
                } else {
                    for (Group g : groups) {
                        if (g.instrumentId.equals(instrument.asText())) {
                            g.metadata.put(n.get("key").asText(), value);
                        }
                    }
                }
            }
            case CHUNK -> {
                Column c = column(payload.getInt(), payload.getInt());
                long index = payload.getLong();
                int rows = payload.getInt();
                c.addChunk(index, new ChunkRef(payload.getLong(), payload.getInt(), rows, payload.getInt()));
                c.tails.headMap(c.chunkedRows()).clear();
            }
            case TAIL -> {
                Column c = column(payload.getInt(), payload.getInt());
                long firstRow = payload.getLong();
                payload.getInt();
                if (firstRow >= c.chunkedRows()) {
                    byte[] rows = new byte[payload.remaining()];
                    payload.get(rows);
                    c.tails.put(firstRow, rows);
                }
            }
            case STRINGS -> {
                Column c = column(payload.getInt(), payload.getInt());
                long firstRow = payload.getLong();
                int count = payload.getInt();
                if (firstRow != c.stringRows) {
                    throw new IOException("journal: strings of " + c.layout.dataset() + " from row " + firstRow
                            + " follow row " + c.stringRows);
                }
                for (int i = 0; i < count; i++) {
                    int length = payload.getInt();
                    c.maxStringBytes = Math.max(c.maxStringBytes, length);
                    payload.position(payload.position() + length);
                }
                c.stringRecords.add(offset);
                c.stringRows += count;
            }
            case FLUSH -> {
                flushes++;
                lastFlushNs = payload.getLong();
            }
        }
    }

    private Column column(int group, int column) throws IOException {
        if (group < 0 || group >= groups.size() || column < 0 || column >= groups.get(group).columns.size()) {
            throw new IOException("journal refers to column " + column + " of group " + group + ", which was never described");
        }
        return groups.get(group).columns.get(column);
    }

    private static JsonNode json(ByteBuffer payload) throws IOException {
        return JSON.readTree(new String(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining(),
                StandardCharsets.UTF_8));
    }

    // ---- encodings of the binary records, next to their decoding in apply() ----

    static ByteBuffer metadataRecord(String instrumentId, String key, Object value) {
        ObjectNode n = JSON.createObjectNode();
        if (instrumentId == null) {
            n.putNull("instrument_id");
        } else {
            n.put("instrument_id", instrumentId);
        }
        n.put("key", key);
        n.set("value", JSON.valueToTree(value));
        return ByteBuffer.wrap(n.toString().getBytes(StandardCharsets.UTF_8));
    }

    static ByteBuffer chunkRecord(int group, int column, long index, ChunkRef chunk) {
        return ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN).putInt(group).putInt(column).putLong(index)
                .putInt(chunk.rows()).putLong(chunk.offset()).putInt(chunk.size()).putInt(chunk.crc()).flip();
    }

    /** A TAIL record of {@code rows} rows from {@code firstRow}, whose stored bytes are {@code data}'s remaining ones. */
    static ByteBuffer tailRecord(int group, int column, long firstRow, int rows, ByteBuffer data) {
        return ByteBuffer.allocate(20 + data.remaining()).order(ByteOrder.LITTLE_ENDIAN).putInt(group).putInt(column)
                .putLong(firstRow).putInt(rows).put(data).flip();
    }

    static ByteBuffer flushRecord(long timestampNs) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(timestampNs).flip();
    }
}
