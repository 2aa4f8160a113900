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
            written.add(mapper.valueToTree(StreamSchemas.columnDocument(column.arrowField())));
        }
        ArrayNode skipped = document.putArray("skipped_columns");
        for (Field field : layout.skipped) {
            skipped.addObject()
                    .put("name", field.getName())
                    .put("type", field.getType().toString())
                    .put("reason", "type not supported by the Parquet writer");
        }

        document.set("metadata_changes", mapper.valueToTree(metadata.changeDocuments(descriptor)));

        document.put("rows_written", rows);
        document.put("segment_closed", closed);
        document.set("run_stop", stop == null ? null : mapper.valueToTree(stop.document()));
        try {
            return mapper.writeValueAsString(document);
        } catch (IOException e) {
            throw new UncheckedIOException("serializing the metadata of stream " + descriptor.stream(), e);
        }
    }

    static String isoTime(long epochNs) {
        return Instant.ofEpochSecond(0, epochNs).toString();
    }
}
