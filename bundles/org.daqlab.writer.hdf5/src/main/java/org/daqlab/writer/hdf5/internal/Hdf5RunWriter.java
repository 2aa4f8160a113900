package org.daqlab.writer.hdf5.internal;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.OutputFile;
import org.daqlab.api.storage.RunContext;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.StorageErrors;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Writes one segment of a run to one {@code .h5} file. During the run, chunks are encoded on the
 * worker pool and appended to the file behind a region reserved for metadata, and the journal
 * records what is where; at close the journal is replayed and {@link Hdf5FileBuilder} writes the
 * HDF5 structure into the reserved region. Used by the core's runner thread only.
 */
final class Hdf5RunWriter implements RunWriter {

    private final RunContext context;
    private final Hdf5Settings settings;
    private final OutputFile file;
    private final FileChannel data;
    private final Journal.Writer journal;
    private final ExecutorService pool;
    private final SegmentModel.Header header;
    /** Created when the first chunk data comes: the metadata region is sized by then (see {@link #sink()}). */
    private ChunkSink sink;
    /** Estimated bytes of the HDF5 metadata of the groups described so far. */
    private long metadataEstimate;
    /** Current group of each stream (a schema change opens a new one). */
    private final Map<String, StreamGroup> groups = new HashMap<>();
    private final List<StreamGroup> allGroups = new ArrayList<>();

    private record StreamGroup(int id, String name, StreamDescriptor descriptor, List<ColumnWriter> columns) {
    }

    Hdf5RunWriter(RunContext context, Hdf5Settings settings, ExecutorService pool, String application) throws IOException {
        this.context = context;
        this.settings = settings;
        this.file = context.createFile(null, "h5");
        Path path = file.path();
        // live from here on: recovery in this JVM leaves it alone, and the journal's lock keeps other processes out
        LiveSegments.claim(path);
        try {
            this.data = create(path);
            try {
                this.journal = new Journal.Writer(Journal.of(path));
            } catch (IOException | RuntimeException e) {
                data.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            LiveSegments.release(path);
            throw e;
        }
        this.pool = pool;
        this.header = new SegmentModel.Header(context.run().uid(), context.run().name(),
                context.run().timestampNs(), context.segment(), nowNs(), application, settings.codec(),
                settings.reservedBytes());
        journal.appendJson(Journal.Kind.HEADER, header.toJson(context.runMetadata()));
        // handed to the OS at once (not forced): a kill before the first flush still leaves a journal that
        // recovery turns into a valid file with no rows, instead of a leftover it cannot read
        journal.flush(false);
    }

    /** Opens the data file; a failure names the file and the fix (the JDK's message gives only a path and a reason). */
    private static FileChannel create(Path path) throws IOException {
        try {
            return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new IOException("cannot create the HDF5 file " + path + ": " + StorageErrors.reason(e) + ". Fix: make "
                    + path.toAbsolutePath().getParent() + " a writable directory, or set output_dir of this writer to one", e);
        }
    }

    /** The directory the segment's file is in. */
    Path directory() {
        return file.path().toAbsolutePath().getParent();
    }

    @Override
    public void describe(StreamDescriptor descriptor) throws IOException {
        StreamGroup current = groups.get(descriptor.stream());
        if (current != null && StreamSchemas.sameColumns(current.descriptor.schema(), descriptor.schema())) {
            return;
        }
        openGroup(descriptor, current);
    }

    private StreamGroup openGroup(StreamDescriptor descriptor, StreamGroup replaced) throws IOException {
        String name = descriptor.stream();
        if (replaced != null) {
            int n = 2;
            while (groupNamed(name + ".schema" + n)) {
                n++;
            }
            name = name + ".schema" + n;
            context.notice("stream '" + descriptor.stream() + "' changed its schema from " + StreamSchemas.columnList(replaced.descriptor.schema())
                    + " to " + StreamSchemas.columnList(descriptor.schema()) + ": its batches from now on go to group /" + name
                    + " of " + file.finalPath().getFileName());
        }
        String schemaJson = SchemaJson.of(descriptor.schema());
        int schemaBytes = schemaJson.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (schemaBytes > SchemaJson.MAX_ATTRIBUTE_BYTES) {
            throw new IOException("stream '" + descriptor.stream() + "' has " + descriptor.schema().getFields().size()
                    + " columns whose Arrow schema is " + schemaBytes + " bytes as JSON: more than the "
                    + SchemaJson.MAX_ATTRIBUTE_BYTES + " bytes an HDF5 attribute may hold, so " + file.finalPath().getFileName()
                    + " cannot carry its 'schema' attribute; split the instrument into several streams or write it with "
                    + "another writer (csv)");
        }
        int id = allGroups.size();
        SegmentModel.Group model = new SegmentModel.Group(id, name, descriptor.stream(), descriptor.instrumentId(),
                nowNs(), schemaJson, descriptor.metadata());
        List<ColumnWriter> writers = new ArrayList<>();
        List<Field> fields = descriptor.schema().getFields();
        for (int i = 0; i < fields.size(); i++) {
            ColumnLayout layout = ColumnLayout.of(fields.get(i), i, settings.chunkRows(), settings.framesPerChunk());
            if (layout == null) {
                context.notice(ColumnLayout.unsupported(descriptor.stream(), fields.get(i)));
                continue;
            }
            writers.add(ColumnWriter.of(id, writers.size(), layout));
            model.columns.add(new SegmentModel.Column(layout));
        }
        journal.appendJson(Journal.Kind.STREAM, model.toJson());
        journal.flush(false); // as the header: the groups of a segment killed before its first flush
        metadataEstimate += estimateMetadata(model);
        if (sink != null && metadataEstimate > sink.dataStart()) {
            context.notice("the HDF5 metadata of " + (allGroups.size() + 1) + " streams may not fit the " + sink.dataStart()
                    + " bytes reserved in " + file.finalPath().getFileName() + " when its data began: a stream described "
                    + "this late with many columns can make the file fail to build (its journal is kept)");
        }
        StreamGroup group = new StreamGroup(id, name, descriptor, writers);
        groups.put(descriptor.stream(), group);
        allGroups.add(group);
        return group;
    }

    @Override
    public void write(String stream, VectorSchemaRoot batch) throws IOException {
        StreamGroup group = groups.get(stream);
        if (group == null) {
            throw new IOException("stream '" + stream + "' has no group in " + file.path()
                    + ": a batch arrived before the stream was described, so its columns are unknown");
        }
        if (!StreamSchemas.sameColumns(group.descriptor.schema(), batch.getSchema())) {
            StreamDescriptor d = group.descriptor;
            group = openGroup(new StreamDescriptor(d.stream(), d.instrumentId(), batch.getSchema(), d.metadata()), group);
        }
        int rows = batch.getRowCount();
        for (ColumnWriter column : group.columns) {
            column.append(batch.getVector(column.layout.fieldIndex()), rows, sink(), journal);
        }
    }

    @Override
    public void metadata(MetadataUpdate update) throws IOException {
        journal.append(Journal.Kind.METADATA,
                SegmentModel.metadataRecord(update.instrumentId(), update.key(), update.value()));
    }

    @Override
    public void flush() throws IOException {
        sink().awaitAll();
        for (StreamGroup group : allGroups) {
            for (ColumnWriter column : group.columns) {
                column.saveTail(journal);
            }
        }
        data.force(false);
        journal.append(Journal.Kind.FLUSH, SegmentModel.flushRecord(nowNs()));
        journal.flush(true);
    }

    @Override
    public void close(RunStop stop) throws IOException {
        Path journalPath = journal.path();
        try {
            try (data) {
                try (journal) {
                    for (StreamGroup group : allGroups) {
                        for (ColumnWriter column : group.columns) {
                            column.finish(sink());
                        }
                    }
                    sink().awaitAll();
                    journal.flush(true);
                }
                build(journalPath);
            }
            Files.delete(journalPath);
        } finally {
            // built, or left with its journal for recovery: no longer written either way
            LiveSegments.release(file.path());
        }
    }

    /**
     * The chunk sink, created at the first data: the core describes every known stream right after
     * opening a segment, so by then the metadata region can be sized for their attributes (twice the
     * estimate, in MiB, at least the default). The header record is written again with the size;
     * replay takes the last one.
     */
    private ChunkSink sink() throws IOException {
        if (sink == null) {
            long mib = 1 << 20;
            long reserved = Math.max(settings.reservedBytes(), (2 * metadataEstimate + mib - 1) / mib * mib);
            SegmentModel.Header sized = new SegmentModel.Header(header.runUid(), header.runName(), header.runStartNs(),
                    header.segment(), header.createdNs(), header.application(), header.codec(), reserved);
            journal.appendJson(Journal.Kind.HEADER, sized.toJson(context.runMetadata()));
            sink = new ChunkSink(data, file.path(), reserved, journal, pool, settings.codec(), settings.chunksInFlight());
        }
        return sink;
    }

    /** Bytes the group's header and its datasets' headers take, generously: the schema JSON is on every dataset. */
    private static long estimateMetadata(SegmentModel.Group group) {
        long perDataset = 1024 + group.schemaJson.length();
        return 4096 + group.metadata.toString().length() * 2L + group.columns.size() * perDataset;
    }

    /** Replays the journal and builds the file; on failure both stay for recovery at the next start. */
    private void build(Path journalPath) throws IOException {
        try {
            SegmentModel model = SegmentModel.replay(journalPath);
            if (!model.replay.complete()) {
                throw new IOException("the journal " + journalPath + " is damaged: " + model.replay.stoppedBecause());
            }
            Hdf5FileBuilder.Result result = new Hdf5FileBuilder(model, file.path(), journalPath).build();
            file.addRows(result.rows());
        } catch (IOException | RuntimeException e) {
            throw new IOException("building " + file.finalPath().getFileName() + " failed: " + e.getMessage()
                    + "; its data and journal stay as " + file.path() + " and " + journalPath
                    + " and are recovered at the next start", e);
        }
    }

    private boolean groupNamed(String name) {
        return allGroups.stream().anyMatch(g -> g.name.equals(name));
    }

    private static long nowNs() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
