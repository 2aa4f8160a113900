package org.daqlab.writer.zarr.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.MetadataState;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.RunStop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** The store's root group: the run, its metadata as it stands, and how the segment ended. */
final class RootGroup {

    private final StoreContext context;
    private final RunStart run;
    private final int segment;
    private final String writer;
    private final String application;
    private final long createdNs = StreamSchemas.timestampNs(Instant.now());

    RootGroup(StoreContext context, RunStart run, int segment, String writer, String application) {
        this.context = context;
        this.run = run;
        this.segment = segment;
        this.writer = writer;
        this.application = application;
    }

    /** Writes the root group's metadata; {@code stop} is the run's end, once it ended. */
    void write(MetadataState metadata, RunStop stop) throws IOException {
        ObjectNode attributes = context.mapper().createObjectNode();
        attributes.put("created_at", Attributes.isoTime(createdNs));
        attributes.put("created_timestamp_ns", createdNs);
        attributes.put("application", application);
        attributes.put("writer", writer);
        attributes.put("run_uid", run.uid());
        attributes.put("run_name", run.name());
        attributes.put("run_start", Attributes.isoTime(run.timestampNs()));
        attributes.put("run_start_ns", run.timestampNs());
        attributes.put("segment", segment);
        if (stop != null) {
            attributes.set("run_stop", Attributes.value(stop.document()));
        }
        Attributes.putAll(attributes, metadata.runMetadata());
        try {
            writeGroup(context, context.store().root, attributes);
        } catch (IOException e) {
            throw new IOException("writing the root metadata of the Zarr store " + context.store().root + " failed: "
                    + ZarrArray.reason(e), e);
        }
    }

    /** Writes a group's metadata: v3 {@code zarr.json}; v2 {@code .zgroup} (once) and {@code .zattrs}. */
    static void writeGroup(StoreContext context, Path directory, ObjectNode attributes) throws IOException {
        Store store = context.store();
        if (context.v3()) {
            ObjectNode doc = context.mapper().createObjectNode();
            doc.put("zarr_format", 3);
            doc.put("node_type", "group");
            doc.set("attributes", attributes);
            store.replace(directory.resolve("zarr.json"), ByteBuffer.wrap(context.json(doc)));
            return;
        }
        Path zgroup = directory.resolve(".zgroup");
        if (!Files.exists(zgroup)) {
            store.replace(zgroup, ByteBuffer.wrap(context.json(context.mapper().createObjectNode().put("zarr_format", 2))));
        }
        store.replace(directory.resolve(".zattrs"), ByteBuffer.wrap(context.json(attributes)));
    }
}
