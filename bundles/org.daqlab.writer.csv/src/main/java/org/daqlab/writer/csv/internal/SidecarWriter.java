package org.daqlab.writer.csv.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.MetadataState;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * Writes the JSON sidecar of each CSV file of a segment, which CSV itself cannot carry: the run,
 * units and ranges of the columns, columns that were skipped and why, run and instrument metadata as
 * they stand and how they changed, rows written and how the run ended.
 *
 * <p>A sidecar is rewritten whole (it is small) at describe, on every metadata change that concerns
 * its stream and at close, always to the file's temporary path, which the core renames at close.
 */
final class SidecarWriter {

    private final ObjectMapper mapper;
    private final RunStart run;
    private final int segment;
    private final String writerName;
    private final MetadataState metadata;
    private boolean segmentClosed;
    private RunStop stop;

    SidecarWriter(ObjectMapper mapper, RunContext context) {
        this.mapper = mapper;
        this.run = context.run();
        this.segment = context.segment();
        this.writerName = context.writerName();
        this.metadata = new MetadataState(context.runMetadata());
    }

    /** Records a metadata change; the caller rewrites the sidecars it concerns. */
    void apply(MetadataUpdate update) {
        metadata.apply(update);
    }

    /** Whether {@code update} shows in the sidecar of {@code stream}. */
    static boolean concerns(MetadataUpdate update, CsvStreamFile stream) {
        return MetadataState.concerns(update, stream.descriptor());
    }

    /** Marks the segment closed; sidecars written afterwards are final. */
    void segmentClosed(RunStop runStop) {
        segmentClosed = true;
        stop = runStop;
    }

    /**
     * Writes the sidecar of {@code stream}, replacing the previous one whole: written beside it and
     * renamed over it, so that a crash leaves one version or the other, never half of one.
     *
     * @throws IOException naming the file
     */
    void write(CsvStreamFile stream) throws IOException {
        Path path = stream.sidecarFile().path();
        Path next = path.resolveSibling(path.getFileName() + CsvRecovery.SIDECAR_NEXT);
        try {
            Files.write(next, mapper.writeValueAsBytes(document(stream)));
            Files.move(next, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IOException("cannot write the sidecar " + path + " of stream '" + stream.descriptor().stream()
                    + "': " + e, e);
        }
    }

    private ObjectNode document(CsvStreamFile stream) {
        StreamDescriptor descriptor = stream.descriptor();
        ObjectNode document = mapper.createObjectNode();
        document.put("stream", descriptor.stream());
        document.put("csv_file", stream.csvFile().finalPath().getFileName().toString());
        document.put("delimiter", String.valueOf(stream.delimiter().separator()));
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
        ArrayNode skipped = document.putArray("skipped_columns");
        for (CsvColumn column : stream.columns()) {
            if (column instanceof CsvColumn.Skipped skip) {
                skipped.addObject()
                        .put("name", skip.field().getName())
                        .put("type", skip.field().getType().toString())
                        .put("reason", skip.reason());
            } else {
                written.add(mapper.valueToTree(StreamSchemas.columnDocument(column.field())));
            }
        }

        document.set("metadata_changes", mapper.valueToTree(metadata.changeDocuments(descriptor)));

        document.put("rows_written", stream.rowsWritten());
        document.put("segment_closed", segmentClosed);
        document.set("run_stop", stop == null ? null : mapper.valueToTree(stop.document()));
        return document;
    }

    private static String isoTime(long epochNs) {
        return Instant.ofEpochSecond(0, epochNs).toString();
    }
}
