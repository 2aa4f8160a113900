package org.daqlab.core.internal;

import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.OutputFile;
import org.daqlab.api.storage.RunContext;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.StorageWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A writer of format {@value #FORMAT} that records every call the core makes and writes one text
 * file per stream and segment through {@link RunContext#createFile}: a line per row holding the
 * row's {@code timestamp_ns}, padded with spaces to a given number of bytes per row so that a test
 * can make files grow as fast as it needs. Each batch is written with one unbuffered write, so the
 * file's size on disk is exact as soon as {@code write} returns.
 */
final class RecordingWriter implements StorageWriter {

    private static final String FORMAT = "test";
    private static final String EXTENSION = "txt";

    /**
     * Every call, in order: {@code open <segment>}, {@code describe <stream>},
     * {@code write <stream> <rows>}, {@code metadata <key>}, {@code flush},
     * {@code close <exit status>} at the end of a run or {@code close segment}.
     */
    final List<String> calls = new CopyOnWriteArrayList<>();
    /** The context of every segment opened, in order. */
    final List<RunContext> segments = new CopyOnWriteArrayList<>();
    /** The stop documents handed to {@code close}. */
    final List<RunStop> stops = new CopyOnWriteArrayList<>();
    /** Timestamps of every row received per stream, in order of arrival. */
    private final Map<String, List<Long>> rows = new ConcurrentHashMap<>();
    private final int bytesPerRow;
    /** Writes of this stream throw, while set. */
    private volatile String failingStream;

    RecordingWriter() {
        this(0);
    }

    RecordingWriter(int bytesPerRow) {
        this.bytesPerRow = bytesPerRow;
    }

    /** Makes every write of {@code stream} throw from now on; {@code null} ends the failure. */
    void failWritesOf(String stream) {
        failingStream = stream;
    }

    /** Timestamps of the rows of {@code stream} written so far, in order of arrival. */
    List<Long> rowsReceived(String stream) {
        return List.copyOf(rows.getOrDefault(stream, List.of()));
    }

    /** How many times {@code call} was made. */
    long count(String call) {
        return calls.stream().filter(call::equals).count();
    }

    /** Index of the first call that starts with {@code prefix}; fails if there is none. */
    int firstCall(String prefix) {
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no call '" + prefix + "…' in " + calls);
    }

    /** The timestamps a file written by this writer holds, one per line. */
    static List<Long> rowsIn(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(String::trim).map(Long::valueOf).toList();
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public RunWriter open(RunContext context) {
        calls.add("open " + context.segment());
        segments.add(context);
        return new TextRunWriter(context);
    }

    private final class TextRunWriter implements RunWriter {
        private final RunContext context;
        private final Map<String, OutputFile> files = new HashMap<>();
        private final Map<String, OutputStream> outputs = new HashMap<>();

        TextRunWriter(RunContext context) {
            this.context = context;
        }

        @Override
        public void describe(StreamDescriptor descriptor) throws IOException {
            calls.add("describe " + descriptor.stream());
            if (!files.containsKey(descriptor.stream())) {
                OutputFile file = context.createFile(descriptor.stream(), EXTENSION);
                files.put(descriptor.stream(), file);
                outputs.put(descriptor.stream(), Files.newOutputStream(file.path()));
            }
        }

        @Override
        public void write(String stream, VectorSchemaRoot batch) throws IOException {
            calls.add("write " + stream + " " + batch.getRowCount());
            if (stream.equals(failingStream)) {
                throw new IOException("simulated disk failure");
            }
            BigIntVector timestamps = (BigIntVector) batch.getVector(StreamSchemas.TIMESTAMP_NS);
            StringBuilder text = new StringBuilder();
            List<Long> received = new ArrayList<>(batch.getRowCount());
            for (int row = 0; row < batch.getRowCount(); row++) {
                long timestamp = timestamps.get(row);
                received.add(timestamp);
                int lineStart = text.length();
                text.append(timestamp);
                text.append(" ".repeat(Math.max(0, bytesPerRow - 1 - (text.length() - lineStart))));
                text.append('\n');
            }
            outputs.get(stream).write(text.toString().getBytes(StandardCharsets.US_ASCII));
            files.get(stream).addRows(batch.getRowCount());
            rows.computeIfAbsent(stream, s -> new CopyOnWriteArrayList<>()).addAll(received);
        }

        @Override
        public void metadata(MetadataUpdate update) {
            calls.add("metadata " + update.key());
        }

        @Override
        public void flush() throws IOException {
            calls.add("flush"); // nothing to push: every batch went to its file unbuffered
        }

        @Override
        public void close(RunStop stop) throws IOException {
            calls.add("close " + (stop == null ? "segment" : stop.exitStatus()));
            if (stop != null) {
                stops.add(stop);
            }
            for (OutputStream out : outputs.values()) {
                out.close();
            }
        }
    }
}
