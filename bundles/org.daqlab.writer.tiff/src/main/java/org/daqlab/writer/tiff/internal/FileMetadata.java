package org.daqlab.writer.tiff.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
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

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * Run and instrument metadata of one segment as the TIFF files carry them: the JSON document of the
 * first page's {@value Tag#DAQLAB_METADATA} tag (FORMAT.md), rewritten when metadata changes and at
 * the end. Keys as in the Arrow writer's sidecar, so a reader handles both alike.
 */
final class FileMetadata {

    private final ObjectMapper mapper;
    private final RunStart run;
    private final int segment;
    private final String writer;
    private final MetadataState metadata;

    FileMetadata(ObjectMapper mapper, RunContext context) {
        this.mapper = mapper;
        this.run = context.run();
        this.segment = context.segment();
        this.writer = context.writerName();
        this.metadata = new MetadataState(context.runMetadata());
    }

    void apply(MetadataUpdate update) {
        metadata.apply(update);
    }

    /** The instrument's metadata as it stands (for calibration). */
    Map<String, Object> instrument(StreamDescriptor descriptor) {
        return metadata.instrumentMetadata(descriptor);
    }

    /**
     * The document of a stack, NUL-terminated.
     *
     * @param file        the file's final name
     * @param stack       what the stack holds
     * @param calibration what went into the ImageJ description and resolution tags
     * @param stop        the run's stop document, or null while it runs
     */
    byte[] document(String file, StreamDescriptor descriptor, String column, PixelType type, long[] shape,
            ObjectNode calibration, RunStop stop) {
        ObjectNode doc = mapper.createObjectNode();
        doc.put("tiff_file", file);
        doc.put("stream", descriptor.stream());
        doc.put("frame_column", column);
        Field frame = descriptor.schema().findField(column);
        ObjectNode pixels = doc.putObject("pixels");
        pixels.put("dtype", type.name());
        ArrayNode dims = pixels.putArray("shape");
        Arrays.stream(shape).forEach(dims::add);
        pixels.putArray("dimension_names").add("y").add("x");
        pixels.put("unit", StreamSchemas.unit(frame));
        doc.set("calibration", calibration);
        ArrayNode columns = doc.putArray("page_columns");
        for (Field field : descriptor.schema().getFields()) {
            if (!StreamSchemas.isFrame(field)) {
                ObjectNode c = columns.addObject();
                c.put("name", field.getName());
                c.put("type", field.getType().toString());
                c.put("unit", StreamSchemas.unit(field));
            }
        }
        doc.set("run", runDocument());
        ObjectNode instrument = doc.putObject("instrument");
        instrument.put("id", descriptor.instrumentId());
        instrument.put("stream", descriptor.stream());
        instrument.set("metadata", mapper.valueToTree(metadata.instrumentMetadata(descriptor)));
        doc.set("metadata_changes", mapper.valueToTree(metadata.changeDocuments(descriptor)));
        doc.set("run_stop", stop == null ? null : mapper.valueToTree(stop.document()));
        try {
            byte[] json = mapper.writeValueAsBytes(doc);
            return Arrays.copyOf(json, json.length + 1);
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

    private static String isoTime(long epochNs) {
        return Instant.ofEpochSecond(0, epochNs).toString();
    }
}
