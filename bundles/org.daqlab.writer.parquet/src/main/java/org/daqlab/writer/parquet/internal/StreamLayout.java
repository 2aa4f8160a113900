package org.daqlab.writer.parquet.internal;

import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.bytes.ByteBufferAllocator;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the batches of one stream become Parquet: the columns written (and those skipped), the
 * Parquet schema, parquet-java's encoding properties and the serialized Arrow schema for the
 * {@value #ARROW_SCHEMA} key. A pure function of the stream's Arrow schema and the settings, so that
 * recovery rebuilds exactly the layout the crashed writer used.
 */
final class StreamLayout {

    /** The key-value metadata key under which Arrow's Parquet writers store the Arrow schema. */
    static final String ARROW_SCHEMA = "ARROW:schema";

    final Schema arrowSchema;
    final List<ParquetColumn> columns;
    final List<Field> skipped;
    final MessageType parquetSchema;
    /** The schema of the columns parquet-java encodes (all but frames and {@link PlainPages}' columns), for its column write store. */
    final MessageType scalarSchema;
    /** Which columns {@link PlainPages} writes, by index in {@link #columns}. */
    private final boolean[] plain;
    /** parquet-java's settings for the columns, but the buffer allocator, which is each file's own ({@link #properties}). */
    private final ParquetProperties.Builder properties;
    /** The Arrow schema as written: the declared fields and the stream's schema metadata. */
    private final Schema declared;
    /** Rows written per column before the row group's size is checked: a few MB, at least one row. */
    final int sliceRows;

    private StreamLayout(Schema arrowSchema, List<ParquetColumn> columns, List<Field> skipped, ParquetSettings settings) {
        this.arrowSchema = arrowSchema;
        this.columns = List.copyOf(columns);
        this.skipped = List.copyOf(skipped);
        List<Type> all = new ArrayList<>();
        List<Type> scalars = new ArrayList<>();
        List<Field> declared = new ArrayList<>();
        long rowBytes = 0;
        this.plain = new boolean[columns.size()];
        this.properties = ParquetProperties.builder()
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                .withPageSize(settings.pageBytes())
                .withDictionaryPageSize(settings.pageBytes())
                .withDictionaryEncoding(false)
                .withByteStreamSplitEncoding(settings.byteStreamSplit());
        for (int i = 0; i < columns.size(); i++) {
            ParquetColumn column = columns.get(i);
            all.add(column.parquet());
            declared.add(column.arrowField());
            rowBytes += column.rowBytesEstimate();
            plain[i] = PlainPages.writes(column, settings.byteStreamSplit());
            if (!column.isFrame() && !plain[i]) {
                scalars.add(column.parquet());
                if (column.dictionaryEncoded()) {
                    properties.withDictionaryEncoding(column.parquet().getName(), true);
                }
            }
        }
        this.parquetSchema = new MessageType("schema", all);
        this.scalarSchema = new MessageType("schema", scalars);
        this.declared = new Schema(declared, arrowSchema.getCustomMetadata());
        this.sliceRows = (int) Math.max(1, Math.min(4096, (settings.rowGroupBytes() / 16) / Math.max(1, rowBytes)));
    }

    /** Whether column {@code i} of {@link #columns} is written by {@link PlainPages}. */
    boolean plain(int i) {
        return plain[i];
    }

    /** parquet-java's encoding properties, with {@code allocator} for the buffers of its column writers. */
    ParquetProperties properties(ByteBufferAllocator allocator) {
        return properties.withAllocator(allocator).build();
    }

    /**
     * The layout of a stream; columns that cannot be written are in {@link #skipped}.
     *
     * @throws IllegalArgumentException if no column of the stream can be written
     */
    static StreamLayout of(String stream, Schema schema, ParquetSettings settings) {
        List<ParquetColumn> columns = new ArrayList<>();
        List<Field> skipped = new ArrayList<>();
        List<Field> fields = schema.getFields();
        for (int i = 0; i < fields.size(); i++) {
            ParquetColumn column = ParquetColumn.of(i, fields.get(i));
            if (column == null) {
                skipped.add(fields.get(i));
            } else {
                columns.add(column);
            }
        }
        return new StreamLayout(schema, columns, skipped, settings);
    }

    /**
     * The value of {@value #ARROW_SCHEMA}: the schema of the written columns with the stream's schema
     * metadata and {@code extra} (pyarrow gives a table the metadata of this schema, not the file's
     * key-value metadata, so what pandas users should see goes here too).
     */
    String arrowSchemaBase64(Map<String, String> extra) {
        Map<String, String> metadata = new LinkedHashMap<>(declared.getCustomMetadata());
        metadata.putAll(extra);
        return Base64.getEncoder().encodeToString(ipcSchema(new Schema(declared.getFields(), metadata)));
    }

    /**
     * An Arrow schema as an encapsulated IPC message (continuation marker, length, flatbuffer,
     * padding), which is what Arrow C++ base64-encodes under {@value #ARROW_SCHEMA} and what its
     * readers, pyarrow's among them, decode.
     */
    static byte[] ipcSchema(Schema schema) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            MessageSerializer.serialize(new WriteChannel(Channels.newChannel(bytes)), schema);
        } catch (IOException e) {
            throw new UncheckedIOException("serializing an Arrow schema in memory", e);
        }
        return bytes.toByteArray();
    }
}
