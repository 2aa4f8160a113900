package org.daqlab.writer.parquet.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.MetadataState;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.OutputFile;
import org.daqlab.api.storage.RunContext;
import org.daqlab.api.storage.RunWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes one segment of a run: one {@link StreamFile} per described stream (and one more for a
 * stream whose columns change during the segment, named {@code <stream>.schema2}, …). Used by the
 * core's runner thread only.
 */
final class ParquetRunWriter implements RunWriter {

    private final RunContext context;
    private final ParquetSettings settings;
    private final ObjectMapper mapper;
    private final SegmentMetadata metadata;
    /** The file each stream writes to now. */
    private final Map<String, Entry> current = new HashMap<>();
    private final List<Entry> all = new ArrayList<>();
    /** Files opened for streams whose columns changed, by stream. */
    private final Map<String, Integer> schemaChanges = new HashMap<>();
    /** Told the directory of every file created, so that the writer can recover leftovers there. */
    private final Consumer<Path> directories;

    /** A stream file and the descriptor it is written with (instrument metadata changes with it). */
    private static final class Entry {
        StreamDescriptor descriptor;
        StreamFile file;

        Entry(StreamDescriptor descriptor) {
            this.descriptor = descriptor;
        }
    }

    ParquetRunWriter(RunContext context, ParquetSettings settings, ObjectMapper mapper, Consumer<Path> directories) {
        this.context = context;
        this.directories = directories;
        this.settings = settings;
        this.mapper = mapper;
        this.metadata = new SegmentMetadata(mapper, context);
    }

    @Override
    public void describe(StreamDescriptor descriptor) throws IOException {
        Entry entry = current.get(descriptor.stream());
        if (entry != null && StreamSchemas.sameColumns(entry.descriptor.schema(), descriptor.schema())) {
            if (!entry.descriptor.metadata().equals(descriptor.metadata())) {
                entry.file.metadataChanged();
            }
            entry.descriptor = descriptor;
            return;
        }
        open(descriptor, entry);
    }

    private Entry open(StreamDescriptor descriptor, Entry replaced) throws IOException {
        String name = descriptor.stream();
        StreamLayout layout = StreamLayout.of(name, descriptor.schema(), settings);
        if (replaced != null) {
            name = name + ".schema" + schemaChanges.merge(name, 2, (was, one) -> was + 1);
            context.notice("stream '" + descriptor.stream() + "' changed its columns from "
                    + StreamSchemas.columnList(replaced.descriptor.schema()) + " to " + StreamSchemas.columnList(descriptor.schema())
                    + ": its batches from now on go to a file of its own, " + name);
        }
        for (Field field : layout.skipped) {
            context.notice(ParquetColumn.unsupported(descriptor.stream(), field));
        }
        OutputFile output = context.createFile(name, "parquet");
        // before this file has a journal, so that recovery does not list it
        directories.accept(output.path().toAbsolutePath().getParent());
        Entry entry = new Entry(descriptor);
        try {
            entry.file = StreamFile.create(descriptor.stream(), layout, settings, output, mapper, context.allocator(),
                    rows -> metadata.document(entry.descriptor, layout, rows));
        } catch (IOException | RuntimeException e) {
            // an empty temporary file would be renamed into an empty .parquet with the rest of the segment
            Files.deleteIfExists(output.path());
            throw new IOException("stream '" + descriptor.stream() + "': cannot start " + output.path() + ": "
                    + StreamFile.rootMessage(e), e);
        }
        current.put(descriptor.stream(), entry);
        all.add(entry);
        return entry;
    }

    @Override
    public void write(String stream, VectorSchemaRoot batch) throws IOException {
        Entry entry = current.get(stream);
        if (entry == null) {
            throw new IOException("stream '" + stream + "' has no Parquet file in segment " + context.segment()
                    + ": a batch arrived before the stream was described, so its columns are unknown");
        }
        if (!StreamSchemas.sameColumns(entry.descriptor.schema(), batch.getSchema())) {
            StreamDescriptor d = entry.descriptor;
            entry = open(new StreamDescriptor(d.stream(), d.instrumentId(), batch.getSchema(), d.metadata()), entry);
        }
        entry.file.write(batch);
    }

    @Override
    public void metadata(MetadataUpdate update) {
        metadata.apply(update);
        for (Entry entry : all) {
            if (MetadataState.concerns(update, entry.descriptor)) {
                entry.file.metadataChanged();
            }
        }
    }

    @Override
    public void flush() throws IOException {
        IOException failure = null;
        for (Entry entry : all) {
            try {
                entry.file.flush();
            } catch (IOException e) {
                failure = addTo(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Completes every file; a failing one does not keep the others open. Files that failed go first:
     * completing them cuts off what was not flushed, which gives back space if the disk is full.
     */
    @Override
    public void close(RunStop stop) throws IOException {
        metadata.segmentClosed(stop);
        IOException failure = null;
        List<Entry> failedFirst = new ArrayList<>(all);
        failedFirst.sort(Comparator.comparing(e -> !e.file.failed()));
        for (Entry entry : failedFirst) {
            try {
                boolean failed = entry.file.failed();
                long kept = entry.file.close();
                if (failed) {
                    context.notice("stream '" + entry.descriptor.stream() + "': " + entry.file.path().getFileName()
                            + " failed and was completed with the " + kept + " rows flushed before the failure, of "
                            + entry.file.rows() + " written");
                }
            } catch (IOException | RuntimeException e) {
                failure = addTo(failure, e instanceof IOException io ? io : new IOException(e.getMessage(), e));
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static IOException addTo(IOException first, IOException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
