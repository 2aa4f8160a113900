package org.daqlab.writer.arrow.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.daqlab.api.run.MetadataState;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunContext;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Run and instrument metadata of one segment as the Arrow files carry them (FORMAT.md): JSON
 * documents under namespaced keys, {@value #RUN} and {@value #INSTRUMENT} in each file's schema
 * metadata as they stand when the file opens, and with {@value #CHANGES} and {@value #STOP} in the
 * file format's footer and the JSON sidecar as they stand at close. JSON keeps the values' types
 * (Arrow metadata values are strings), as {@code pandas} and {@code geo} metadata do.
 */
final class SegmentMetadata {

    static final String RUN = "daqlab.run";
    static final String INSTRUMENT = "daqlab.instrument";
    static final String CHANGES = "daqlab.metadata_changes";
    static final String STOP = "daqlab.run_stop";
    /** Footer key of a file-format file that recovery completed: when. */
    static final String RECOVERED = "daqlab.recovered";

    private final ObjectMapper mapper;
    private final RunStart run;
    private final int segment;
    private final String writer;
    private final MetadataState metadata;

    SegmentMetadata(ObjectMapper mapper, RunContext context) {
        this.mapper = mapper;
        this.run = context.run();
        this.segment = context.segment();
        this.writer = context.writerName();
        this.metadata = new MetadataState(context.runMetadata());
    }

    /** Records a change. */
    void apply(MetadataUpdate update) {
        metadata.apply(update);
    }

    /** The schema metadata of a new file: the stream schema's own metadata, then the run and the instrument. */
    Map<String, String> schemaMetadata(StreamDescriptor descriptor, Map<String, String> streamMetadata) {
        Map<String, String> metadata = new LinkedHashMap<>(streamMetadata == null ? Map.of() : streamMetadata);
        metadata.put(RUN, json(runDocument()));
        metadata.put(INSTRUMENT, json(instrumentDocument(descriptor)));
        return metadata;
    }

    /** The file format's footer metadata at close. */
    Map<String, String> footerMetadata(StreamDescriptor descriptor, RunStop stop) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(RUN, json(runDocument()));
        metadata.put(INSTRUMENT, json(instrumentDocument(descriptor)));
        metadata.put(CHANGES, json(this.metadata.changeDocuments(descriptor)));
        if (stop != null) {
            metadata.put(STOP, json(stop.document()));
        }
        return metadata;
    }

    /** The sidecar of an Arrow file: the footer's documents, for either format. */
    byte[] sidecar(String arrowFile, StreamDescriptor descriptor, RunStop stop) {
        ObjectNode document = mapper.createObjectNode();
        document.put("arrow_file", arrowFile);
        document.set("run", runDocument());
        document.set("instrument", instrumentDocument(descriptor));
        document.set("metadata_changes", mapper.valueToTree(metadata.changeDocuments(descriptor)));
        document.set("run_stop", stop == null ? null : mapper.valueToTree(stop.document()));
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ObjectNode runDocument() {
        ObjectNode node = mapper.createObjectNode();
        node.put("uid", run.uid());
        node.put("name", run.name());
        node.put("start_time", isoTime(run.timestampNs()));
        node.put("start_time_ns", run.timestampNs());
        node.put("segment", segment);
        node.put("writer", writer);
        node.set("metadata", mapper.valueToTree(metadata.runMetadata()));
        return node;
    }

    private ObjectNode instrumentDocument(StreamDescriptor descriptor) {
        ObjectNode node = mapper.createObjectNode();
        node.put("id", descriptor.instrumentId());
        node.put("stream", descriptor.stream());
        node.set("metadata", mapper.valueToTree(metadata.instrumentMetadata(descriptor)));
        return node;
    }

    private String json(Object node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String isoTime(long epochNs) {
        return Instant.ofEpochSecond(0, epochNs).toString();
    }
}
