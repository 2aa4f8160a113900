package org.daqlab.writer.arrow.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.MetadataState;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.OutputFile;
import org.daqlab.api.storage.OwnOutputs;
import org.daqlab.api.storage.RunContext;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.StorageErrors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes one segment of a run as Arrow IPC: one {@link IpcFile} per described stream; a stream whose
 * columns change gets a new file ({@code <stream>.schema2}, …). Metadata changes during the segment
 * go into a JSON sidecar beside each file they concern ({@code <file>.json}, written at every flush
 * and at close) and, in the file format, into the footer. Used by the core's runner thread only.
 */
final class ArrowRunWriter implements RunWriter {

    private final RunContext context;
    private final ArrowSettings settings;
    private final SegmentMetadata metadata;
    private final Consumer<Path> directoryUsed;
    private final Map<String, StreamFiles> streams = new LinkedHashMap<>();
    /** Every file of the segment, in the order they were opened. */
    private final List<Entry> entries = new ArrayList<>();

    /** A file, the descriptor of its stream as last described, and its sidecar once metadata changed. */
    private static final class Entry {
        final IpcFile file;
        StreamDescriptor descriptor;
        OutputFile sidecar;
        boolean sidecarStale;

        Entry(IpcFile file, StreamDescriptor descriptor) {
            this.file = file;
            this.descriptor = descriptor;
        }
    }

    /** A stream's current file, and how many schemas it has had in this segment. */
    private static final class StreamFiles {
        Entry current;
        int schemas;
        /** The schema object of the last batch found to match the file's columns: the core reuses one per stream. */
        Schema checked;
    }

    /**
     * @param directoryUsed told the directory of every file opened, so that leftovers of crashed runs
     *                      there are recovered (the first time)
     */
    ArrowRunWriter(RunContext context, ArrowSettings settings, ObjectMapper mapper, Consumer<Path> directoryUsed) {
        this.context = context;
        this.settings = settings;
        this.metadata = new SegmentMetadata(mapper, context);
        this.directoryUsed = directoryUsed;
    }

    @Override
    public void describe(StreamDescriptor descriptor) throws IOException {
        StreamFiles stream = streams.get(descriptor.stream());
        if (stream != null && StreamSchemas.sameColumns(stream.current.file.sourceSchema, descriptor.schema())) {
            stream.current.descriptor = descriptor; // instrument metadata as it stands now, for footer and sidecar
            return;
        }
        open(descriptor, stream);
    }

    /** Opens a file for {@code descriptor}; if the stream had one ({@code stream} not null), it ends. */
    private void open(StreamDescriptor descriptor, StreamFiles stream) throws IOException {
        StreamFiles files = stream == null ? new StreamFiles() : stream;
        files.schemas++;
        String name = files.schemas == 1 ? descriptor.stream() : descriptor.stream() + ".schema" + files.schemas;
        List<Integer> kept = new ArrayList<>();
        List<Field> fields = new ArrayList<>();
        List<Field> all = descriptor.schema().getFields();
        for (int i = 0; i < all.size(); i++) {
            Field field = all.get(i);
            if (field.getDictionary() != null) {
                context.notice("stream '" + descriptor.stream() + "': column '" + field.getName() + "' ("
                        + field.getType() + " dictionary-encoded) is not written to Arrow files: batches reach writers "
                        + "with the dictionary indices but without the dictionary; publish the values instead");
                continue;
            }
            kept.add(i);
            fields.add(field);
        }
        OutputFile output = context.createFile(name, settings.format().extension());
        Schema fileSchema = new Schema(fields, metadata.schemaMetadata(descriptor, descriptor.schema().getCustomMetadata()));
        IpcFile file = IpcFile.create(output, descriptor.stream(), descriptor.schema(),
                kept.stream().mapToInt(Integer::intValue).toArray(), fileSchema, settings, context.allocator());
        Entry entry = new Entry(file, descriptor);
        entries.add(entry);
        directoryUsed.accept(output.path().toAbsolutePath().getParent());
        Entry replaced = files.current;
        files.current = entry;
        files.checked = null;
        streams.put(descriptor.stream(), files);
        if (replaced != null) {
            context.notice("stream '" + descriptor.stream() + "' changed its columns from "
                    + StreamSchemas.columnList(replaced.file.sourceSchema) + " to "
                    + StreamSchemas.columnList(descriptor.schema()) + ": its batches from now on go to "
                    + output.finalPath().getFileName() + "; " + replaced.file.output.finalPath().getFileName()
                    + " holds the " + replaced.file.rows() + " rows before");
            end(replaced, null);
        }
    }

    @Override
    public void write(String stream, VectorSchemaRoot batch) throws IOException {
        StreamFiles files = streams.get(stream);
        if (files == null) {
            throw new IOException("stream '" + stream + "' has no Arrow file in segment " + context.segment()
                    + ": a batch arrived before the stream was described, so its columns are unknown");
        }
        Schema schema = batch.getSchema();
        if (schema != files.checked) {
            if (!StreamSchemas.sameColumns(files.current.file.sourceSchema, schema)) {
                StreamDescriptor d = files.current.descriptor;
                open(new StreamDescriptor(d.stream(), d.instrumentId(), schema, d.metadata()), files);
            }
            files.checked = schema;
        }
        files.current.file.write(batch);
    }

    @Override
    public void metadata(MetadataUpdate update) {
        metadata.apply(update);
        for (Entry entry : entries) {
            if (!entry.file.ended() && MetadataState.concerns(update, entry.descriptor)) {
                entry.sidecarStale = true;
            }
        }
    }

    @Override
    public void flush() throws IOException {
        StorageErrors.Failures failures = new StorageErrors.Failures();
        for (Entry entry : entries) {
            if (!entry.file.ended()) {
                failures.run(entry.file::flush);
                if (entry.sidecarStale) {
                    failures.run(() -> writeSidecar(entry, null));
                }
            }
        }
        failures.throwFirst();
    }

    /** Ends every file (gathered rows, end marker, footer) and its sidecar, then releases every file. */
    @Override
    public void close(RunStop stop) throws IOException {
        StorageErrors.Failures failures = new StorageErrors.Failures();
        for (Entry entry : entries) {
            if (!entry.file.ended()) {
                failures.run(() -> end(entry, stop));
            }
        }
        for (Entry entry : entries) {
            failures.run(entry.file::close);
        }
        failures.throwFirst();
    }

    private void end(Entry entry, RunStop stop) throws IOException {
        try {
            entry.file.end(metadata.footerMetadata(entry.descriptor, stop));
        } finally {
            if (entry.sidecar != null || entry.sidecarStale) {
                writeSidecar(entry, stop);
            }
        }
    }

    /**
     * Writes the sidecar of {@code entry}, creating it the first time. It is rewritten in place and
     * then cut to length, so that a crash in between leaves a whole document followed by a stale tail
     * that JSON readers stop before.
     */
    private void writeSidecar(Entry entry, RunStop stop) throws IOException {
        if (entry.sidecar == null) {
            entry.sidecar = context.createFile(entry.file.output.stream(), settings.format().extension() + ".json");
            OwnOutputs.add(entry.sidecar.path());
        }
        Path path = entry.sidecar.path();
        byte[] json = metadata.sidecar(entry.file.output.finalPath().getFileName().toString(), entry.descriptor, stop);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(json);
            while (buffer.hasRemaining()) {
                channel.write(buffer, buffer.position());
            }
            channel.truncate(json.length);
        } catch (IOException e) {
            throw new IOException("cannot write the metadata sidecar " + path + " of stream '" + entry.descriptor.stream()
                    + "': " + StorageErrors.reason(e), e);
        }
        entry.sidecarStale = false;
    }
}
