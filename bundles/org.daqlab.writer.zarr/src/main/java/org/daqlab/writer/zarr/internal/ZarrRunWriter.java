package org.daqlab.writer.zarr.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.MetadataState;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.OutputFile;
import org.daqlab.api.storage.RunContext;
import org.daqlab.api.storage.RunWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Writes one segment of a run as one Zarr store (FORMAT.md): the root group holds the run, a group
 * per stream holds an array per column. Full chunks are encoded and written by the workers while
 * data arrives; a flush writes the unfinished chunks, forces everything to disk and only then
 * rewrites the array shapes (and attributes that changed), so the store on disk is always
 * consistent up to the last flush. A stream whose columns (or frame shape) change continues in a
 * new group {@code <stream>.schema2}, …. Used by the core's runner thread only.
 */
final class ZarrRunWriter implements RunWriter {

    private final RunContext context;
    private final OutputFile output;
    private final StoreContext store;
    private final RootGroup root;
    private final MetadataState metadata;
    private final NodeNames groupNames = new NodeNames();
    /** Each stream's current group. */
    private final Map<String, StreamGroup> streams = new LinkedHashMap<>();
    /** How many groups (schemas) each stream has had in this store. */
    private final Map<String, Integer> schemas = new LinkedHashMap<>();
    /** Every group of the store, in the order they were made; a group of an old schema still has rows to flush. */
    private final List<StreamGroup> groups = new ArrayList<>();
    private boolean rootStale;
    private boolean closed;

    /**
     * Creates the store (its root group) for {@code context}'s segment.
     *
     * @param workers     the writer instance's compression pool
     * @param application what the root group names as its writer, e.g. {@code daqlab 0.1.0}
     */
    ZarrRunWriter(RunContext context, ZarrSettings settings, ExecutorService workers, ObjectMapper mapper,
            String application) throws IOException {
        this.context = context;
        this.output = context.createDirectory(null, "zarr");
        Store files = Store.open(output.path());
        this.store = new StoreContext(settings, new ChunkCodec(settings.compression(), settings.level(), settings.crc32c()),
                files, new ChunkSink(workers, settings.chunksInFlight()), new ChunkBuffers(settings.chunksInFlight() + 1),
                new Parallel(workers), mapper, context::notice);
        this.metadata = new MetadataState(context.runMetadata());
        this.root = new RootGroup(store, context.run(), context.segment(), context.writerName(), application);
        try {
            root.write(metadata, null);
            files.sync(store.parallel());
        } catch (IOException e) {
            files.release();
            throw e;
        }
    }

    /** The directory the store is in. */
    Path directory() {
        return output.path().toAbsolutePath().getParent();
    }

    @Override
    public void describe(StreamDescriptor descriptor) throws IOException {
        StreamGroup group = streams.get(descriptor.stream());
        if (group != null && StreamSchemas.sameColumns(group.sourceSchema, descriptor.schema())) {
            group.descriptor = descriptor; // instrument metadata as it stands now
            group.attributesStale = true;
            return;
        }
        open(descriptor, group);
    }

    /** Opens a group for {@code descriptor}; the stream's previous group ({@code before}, if any) takes no more rows. */
    private void open(StreamDescriptor descriptor, StreamGroup before) throws IOException {
        int n = schemas.merge(descriptor.stream(), 1, Integer::sum);
        String name = groupNames.claim(n == 1 ? descriptor.stream() : descriptor.stream() + ".schema" + n);
        StreamGroup group = new StreamGroup(store, name, descriptor, metadata);
        groups.add(group);
        streams.put(descriptor.stream(), group);
        if (before != null) {
            context.notice("stream '" + descriptor.stream() + "' " + StreamGroup.change(before.sourceSchema, descriptor.schema())
                    + ": its rows from now on go to group " + name + " of " + output.finalPath().getFileName()
                    + "; group " + before.name + " holds the " + before.rows() + " rows before");
        }
    }

    @Override
    public void write(String stream, VectorSchemaRoot batch) throws IOException {
        StreamGroup group = streams.get(stream);
        if (group == null) {
            throw new IOException("stream '" + stream + "' has no group in the Zarr store " + output.path()
                    + ": a batch arrived before the stream was described, so its columns are unknown");
        }
        Schema schema = batch.getSchema();
        if (schema != group.checked) {
            if (!StreamSchemas.sameColumns(group.sourceSchema, schema)) {
                StreamDescriptor d = group.descriptor;
                open(new StreamDescriptor(d.stream(), d.instrumentId(), schema, d.metadata()), group);
                group = streams.get(stream);
            }
            group.checked = schema;
        }
        group.append(batch);
        output.addRows(batch.getRowCount());
    }

    @Override
    public void metadata(MetadataUpdate update) {
        metadata.apply(update);
        rootStale |= update.isRunLevel();
        for (StreamGroup group : groups) {
            group.attributesStale |= group.concerns(update);
        }
    }

    @Override
    public void flush() throws IOException {
        flush(null, false);
    }

    /**
     * Makes every row appended so far durable and visible: the unfinished chunks are written (by the
     * workers), every new file and directory is forced, then the shapes and changed attributes are
     * rewritten atomically and forced. A failure leaves the metadata of the last flush in place.
     */
    private void flush(RunStop stop, boolean closing) throws IOException {
        store.chunks().awaitAll();
        List<Parallel.Task> unfinished = new ArrayList<>();
        for (StreamGroup group : groups) {
            for (ZarrArray array : group.arrays) {
                Parallel.Task task = array.grew() ? array.unfinished() : null;
                if (task != null) {
                    unfinished.add(task);
                }
            }
        }
        store.parallel().run(unfinished);
        store.store().sync(store.parallel());
        List<Parallel.Task> updates = new ArrayList<>();
        for (StreamGroup group : groups) {
            for (ZarrArray array : group.arrays) {
                if (array.grew()) {
                    updates.add(array.shapeUpdate());
                }
            }
            if (group.attributesStale) {
                updates.add(() -> group.writeAttributes(metadata));
            }
        }
        if (rootStale || closing) {
            updates.add(() -> root.write(metadata, stop));
        }
        store.parallel().run(updates);
        rootStale = false;
        store.store().sync(store.parallel());
    }

    /** Flushes everything, records the run's stop in the root group and releases the store for the core's rename. */
    @Override
    public void close(RunStop stop) throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            flush(stop, true);
        } catch (IOException e) {
            throw new IOException(e.getMessage() + ". The store " + output.path() + " is left as of its last flush "
                    + "under this name; the next start gives it its final name", e);
        } finally {
            store.store().release();
        }
    }
}
