package org.daqlab.writer.parquet.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.arrow.vector.types.pojo.Field;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.MetadataState;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * The run and instrument metadata of a segment, as the {@value #KEY} key-value metadata of each
 * stream file: one JSON document, the same shape as the CSV writer's sidecar (run, instrument
 * metadata as it stands, columns with units and ranges, skipped columns, metadata changes with their
 * times, rows, how the run ended). Units and ranges are also in the Arrow schema's field metadata.
 */
final class SegmentMetadata {

    /** The key-value metadata key of the document. */
    static final String KEY = "daqlab";

    private final ObjectMapper mapper;
    private final RunStart run;
    private final int segment;
    private final String writerName;
    private final MetadataState metadata;
    private boolean closed;
    private RunStop stop;

    SegmentMetadata(ObjectMapper mapper, RunContext context) {
        this.mapper = mapper;
        this.run = context.run();
        this.segment = context.segment();
        this.writerName = context.writerName();
        this.metadata = new MetadataState(context.runMetadata());
    }

    void apply(MetadataUpdate update) {
        metadata.apply(update);
    }

    void segmentClosed(RunStop runStop) {
        closed = true;
        stop = runStop;
    }

    /** The document of a stream file that holds {@code rows} rows. */
    String document(StreamDescriptor descriptor, StreamLayout layout, long rows) {
        ObjectNode document = mapper.createObjectNode();
        document.put("stream", descriptor.stream());
        document.put("writer", writerName);
        document.put("segment", segment);

        ObjectNode runNode = document.putObject("run");
        runNode.put("uid", run.uid());
        runNode.put("name", run.name());
        runNode.put("start_time", isoTime(run.timestampNs()));
        runNode.put("start_time_ns", run.timestampNs());
        runNode.set("metadata", mapper.valueToTree(metadata.runMetadata()));

        document.put("instrument_id", descriptor.instrumentId());
        document.set("instrument_metadata", mapper.valueToTree(metadata.instrumentMetadata(descriptor)));

        ArrayNode written = document.putArray("columns");
        for (ParquetColumn column : layout.columns) {
            written.add(columnNode(column.arrowField()));
        }
        ArrayNode skipped = document.putArray("skipped_columns");
        for (Field field : layout.skipped) {
            skipped.addObject()
                    .put("name", field.getName())
                    .put("type", field.getType().toString())
                    .put("reason", "type not supported by the Parquet writer");
        }

        ArrayNode changeNodes = document.putArray("metadata_changes");
        for (MetadataUpdate change : metadata.changes(descriptor)) {
            ObjectNode node = changeNodes.addObject();
            node.put("time", isoTime(change.timestampNs()));
            node.put("time_ns", change.timestampNs());
            node.put("instrument_id", change.instrumentId());
            node.put("key", change.key());
            node.set("value", mapper.valueToTree(change.value()));
        }

        document.put("rows_written", rows);
        document.put("segment_closed", closed);
        if (stop == null) {
            document.putNull("run_stop");
        } else {
            ObjectNode stopNode = document.putObject("run_stop");
            stopNode.put("time", isoTime(stop.timestampNs()));
            stopNode.put("time_ns", stop.timestampNs());
            stopNode.put("exit_status", stop.exitStatus().name());
            stopNode.put("reason", stop.reason());
        }
        try {
            return mapper.writeValueAsString(document);
        } catch (IOException e) {
            throw new UncheckedIOException("serializing the metadata of stream " + descriptor.stream(), e);
        }
    }

    private ObjectNode columnNode(Field field) {
        ObjectNode node = mapper.createObjectNode();
        node.put("name", field.getName());
        node.put("type", field.getType().toString());
        String unit = StreamSchemas.unit(field);
        if (unit != null) {
            node.put("unit", unit);
        }
        Map<String, String> metadata = field.getMetadata() == null ? Map.of() : field.getMetadata();
        putNumber(node, StreamSchemas.RANGE_MIN, metadata.get(StreamSchemas.RANGE_MIN));
        putNumber(node, StreamSchemas.RANGE_MAX, metadata.get(StreamSchemas.RANGE_MAX));
        return node;
    }

    /** Ranges are numbers in the field metadata's text; they stay text if a driver wrote something else. */
    private static void putNumber(ObjectNode node, String key, String text) {
        if (text == null) {
            return;
        }
        try {
            node.put(key, Double.parseDouble(text));
        } catch (NumberFormatException e) {
            node.put(key, text);
        }
    }

    static String isoTime(long epochNs) {
        return Instant.ofEpochSecond(0, epochNs).toString();
    }
}
