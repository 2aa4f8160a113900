package org.daqlab.writer.csv.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunContext;
import org.daqlab.api.storage.RunWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes one segment of a run as CSV: one {@link CsvStreamFile} per described stream, each with a
 * JSON sidecar. Used by one thread only (the core's runner for this writer).
 */
final class CsvRunWriter implements RunWriter {

    private final RunContext context;
    private final CsvDelimiter delimiter;
    private final SidecarWriter sidecars;
    private final Map<String, CsvStreamFile> streams = new LinkedHashMap<>();
    /** Told the directory of every file created, so that the writer can recover leftovers there. */
    private final Consumer<Path> directories;

    CsvRunWriter(RunContext context, CsvDelimiter delimiter, ObjectMapper sidecarMapper, Consumer<Path> directories) {
        this.context = context;
        this.delimiter = delimiter;
        this.sidecars = new SidecarWriter(sidecarMapper, context);
        this.directories = directories;
    }

    @Override
    public void describe(StreamDescriptor descriptor) throws IOException {
        CsvStreamFile stream = streams.get(descriptor.stream());
        if (stream != null) {
            stream.describeAgain(descriptor);
        } else {
            stream = CsvStreamFile.create(context, descriptor, delimiter);
            streams.put(descriptor.stream(), stream);
            directories.accept(stream.csvFile().path().toAbsolutePath().getParent());
            for (CsvColumn column : stream.columns()) {
                if (column instanceof CsvColumn.Skipped skipped) {
                    context.notice(skipped.notice(descriptor.stream()));
                }
            }
        }
        sidecars.write(stream);
    }

    @Override
    public void write(String stream, VectorSchemaRoot batch) throws IOException {
        CsvStreamFile file = streams.get(stream);
        if (file == null) {
            throw new IOException("stream '" + stream + "' has no CSV file in segment " + context.segment()
                    + ": a batch arrived before the stream was described, so its columns are unknown");
        }
        file.write(batch);
    }

    @Override
    public void metadata(MetadataUpdate update) throws IOException {
        sidecars.apply(update);
        for (CsvStreamFile stream : streams.values()) {
            if (SidecarWriter.concerns(update, stream)) {
                sidecars.write(stream);
            }
        }
    }

    @Override
    public void flush() throws IOException {
        for (CsvStreamFile stream : streams.values()) {
            stream.flush();
        }
    }

    /** Closes every CSV file and writes the final sidecars; a failing file does not keep the others open. */
    @Override
    public void close(RunStop stop) throws IOException {
        IOException failure = null;
        for (CsvStreamFile stream : streams.values()) {
            try {
                stream.close();
            } catch (IOException e) {
                failure = addTo(failure, e);
            }
        }
        sidecars.segmentClosed(stop);
        for (CsvStreamFile stream : streams.values()) {
            try {
                sidecars.write(stream);
            } catch (IOException e) {
                failure = addTo(failure, e);
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
