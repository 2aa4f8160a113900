package org.daqlab.writer.tiff.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.FixedShapeTensorType;
import org.daqlab.api.data.FixedShapeTensorVector;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.MetadataState;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.OutputFile;
import org.daqlab.api.storage.RunContext;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.StorageErrors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.zip.Deflater;

/**
 * Writes one segment of a run as TIFF: one {@link TiffStack} per frame column of each stream, a page
 * per frame, named after the stream ({@code <stream>.<column>} when a stream has several frame
 * columns). Files are created with their first frame. A frame column whose shape or pixel type
 * changes goes on in a new file {@code <stream>.schema2}, … ; with {@code bigtiff=never} a stack that
 * reaches 4 GiB goes on in {@code <stream>.file2}, … Streams without frames are reported once and
 * not written. Used by the core's runner thread only.
 */
final class TiffRunWriter implements RunWriter {

    /** Pages hold at most this many bytes (TIFF strip byte counts of classic files are 32-bit). */
    private static final long MAX_FRAME_BYTES = Integer.MAX_VALUE - 8;

    private final RunContext context;
    private final TiffSettings settings;
    private final ObjectMapper mapper;
    private final FileMetadata metadata;
    private final ExecutorService pool;
    private final ThreadLocal<Deflater> deflaters;
    private final Consumer<Path> directoryUsed;
    private final Map<String, StreamState> streams = new LinkedHashMap<>();
    /** Every file of the segment, in the order they were opened. */
    private final List<Entry> entries = new ArrayList<>();

    /** A stream as last described, and its frame columns. */
    private static final class StreamState {
        StreamDescriptor descriptor;
        /** The schema object of the last batch checked: the core reuses one per stream. */
        Schema checked;
        RowJson rows;
        final Map<String, FrameColumn> columns = new LinkedHashMap<>();
    }

    /** A frame column, its current file and how it is named. */
    private static final class FrameColumn {
        final String name;
        PixelType type;
        long[] shape;
        int schemas = 1;
        int parts = 1;
        Entry current;
        /** Why the next file is opened, told when it is. */
        String change;

        FrameColumn(String name, PixelType type, long[] shape) {
            this.name = name;
            this.type = type;
            this.shape = shape;
        }
    }

    /** A file, its stream, what its calibration is, and whether its metadata changed since written. */
    private static final class Entry {
        final TiffStack stack;
        final StreamState stream;
        final FrameColumn column;
        final ObjectNode calibration;
        boolean stale;

        Entry(TiffStack stack, StreamState stream, FrameColumn column, ObjectNode calibration) {
            this.stack = stack;
            this.stream = stream;
            this.column = column;
            this.calibration = calibration;
        }
    }

    /**
     * @param pool          compresses pages (deflate), or null
     * @param directoryUsed told the directory of every file opened, so that leftovers of crashed runs
     *                      there are recovered (the first time)
     */
    TiffRunWriter(RunContext context, TiffSettings settings, ObjectMapper mapper, ExecutorService pool,
            ThreadLocal<Deflater> deflaters, Consumer<Path> directoryUsed) {
        this.context = context;
        this.settings = settings;
        this.mapper = mapper;
        this.metadata = new FileMetadata(mapper, context);
        this.pool = pool;
        this.deflaters = deflaters;
        this.directoryUsed = directoryUsed;
    }

    @Override
    public void describe(StreamDescriptor descriptor) throws IOException {
        StreamState stream = streams.computeIfAbsent(descriptor.stream(), s -> new StreamState());
        stream.descriptor = descriptor;
        columns(stream, descriptor.schema());
    }

    /**
     * Brings {@code stream}'s frame columns in line with {@code schema}: new ones are added, one whose
     * shape or pixel type changed ends its file (the next frame opens another).
     */
    private void columns(StreamState stream, Schema schema) throws IOException {
        String name = stream.descriptor.stream();
        boolean frames = false;
        for (Field field : schema.getFields()) {
            if (!StreamSchemas.isFrame(field)) {
                continue;
            }
            frames = true;
            PixelType type = PixelType.of(field);
            long[] shape = field.getType() instanceof FixedShapeTensorType t ? t.shape() : null;
            String problem = type == null ? "its values are " + field.getChildren() + ", not integers or floats"
                    : shape == null || shape.length != 2 ? "only 2-D frames [y, x] become TIFF pages"
                    : Arrays.stream(shape).reduce(1, Math::multiplyExact) * type.bytes() > MAX_FRAME_BYTES
                            ? "a frame of more than 2 GiB does not fit a TIFF page" : null;
            if (problem != null) {
                context.notice("stream '" + name + "': frame column '" + field.getName() + "' (" + field.getType()
                        + ") is not written to TIFF: " + problem);
                continue;
            }
            if (!type.imageJ()) {
                context.notice("stream '" + name + "': frame column '" + field.getName() + "' has " + type
                        + " pixels: written as TIFF samples of " + type.bits() + " bits (SampleFormat "
                        + type.sampleFormat() + "), which tifffile and libtiff read; ImageJ 1 opens only uint8, "
                        + "uint16, int16 and float32 pixels");
            }
            FrameColumn column = stream.columns.get(field.getName());
            if (column == null) {
                stream.columns.put(field.getName(), new FrameColumn(field.getName(), type, shape));
            } else if (!column.type.equals(type) || !Arrays.equals(column.shape, shape)) {
                String before = column.type + " " + Arrays.toString(column.shape);
                if (column.current != null) {
                    end(column.current, null); // its pages in flight are written: the count below is final
                    before += " (" + column.current.stack.output.finalPath().getFileName() + " holds the "
                            + column.current.stack.pages() + " frames before)";
                    column.current = null;
                    column.schemas++;
                    column.parts = 1;
                }
                column.change = "frames of column '" + field.getName() + "' changed from " + before + " to " + type + " "
                        + Arrays.toString(shape);
                column.type = type;
                column.shape = shape;
            }
        }
        if (!frames) {
            context.notice("stream '" + name + "' has no frame column (" + FixedShapeTensorType.EXTENSION_NAME
                    + "): the TIFF writer does not write it");
        }
    }

    @Override
    public void write(String name, VectorSchemaRoot batch) throws IOException {
        StreamState stream = streams.get(name);
        if (stream == null) {
            throw new IOException("stream '" + name + "' has no TIFF file in segment " + context.segment()
                    + ": a batch arrived before the stream was described, so its columns are unknown");
        }
        Schema schema = batch.getSchema();
        if (schema != stream.checked) {
            if (!StreamSchemas.sameColumns(stream.descriptor.schema(), schema)) {
                StreamDescriptor d = stream.descriptor;
                stream.descriptor = new StreamDescriptor(d.stream(), d.instrumentId(), schema, d.metadata());
                columns(stream, schema);
            }
            stream.rows = new RowJson(name, schema, context::notice);
            stream.checked = schema;
        }
        for (FrameColumn column : stream.columns.values()) {
            FieldVector vector = batch.getVector(column.name);
            if (vector instanceof FixedShapeTensorVector tensor) {
                writeFrames(stream, column, tensor, batch);
            }
        }
    }

    /**
     * Adds the batch's frames of {@code column} to its file and writes them before returning, while the
     * batch's buffers are valid: those added before a failure too.
     */
    private void writeFrames(StreamState stream, FrameColumn column, FixedShapeTensorVector tensor, VectorSchemaRoot batch)
            throws IOException {
        try {
            addFrames(stream, column, tensor, batch);
        } catch (IOException | RuntimeException e) {
            try {
                endOfBatch(column);
            } catch (IOException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
        endOfBatch(column);
    }

    private static void endOfBatch(FrameColumn column) throws IOException {
        if (column.current != null && !column.current.stack.ended()) {
            column.current.stack.endOfBatch();
        }
    }

    private void addFrames(StreamState stream, FrameColumn column, FixedShapeTensorVector tensor, VectorSchemaRoot batch)
            throws IOException {
        ArrowBuf pixels = tensor.pixelVector().getDataBuffer();
        for (int row = 0; row < batch.getRowCount(); row++) {
            if (tensor.isNull(row)) {
                context.notice("stream '" + stream.descriptor.stream() + "': null frames in column '" + column.name
                        + "' have no page in the TIFF file; their rows are left out");
                continue;
            }
            Entry entry = column.current;
            if (entry == null) {
                entry = open(stream, column);
            } else if (!entry.stack.roomForPage()) {
                end(entry, null);
                String full = entry.stack.output.finalPath().getFileName() + " reached the 4 GiB limit of classic TIFF "
                        + "(bigtiff = never) with " + entry.stack.pages() + " pages";
                column.parts++;
                column.change = full;
                entry = open(stream, column);
            }
            entry.stack.add(pixels, (long) row * entry.stack.frameBytes, stream.rows.row(batch, row));
        }
    }

    /** Opens the next file of {@code column}. */
    private Entry open(StreamState stream, FrameColumn column) throws IOException {
        StreamDescriptor descriptor = stream.descriptor;
        String name = stream.columns.size() == 1 ? descriptor.stream() : descriptor.stream() + "." + column.name;
        if (column.schemas > 1) {
            name += ".schema" + column.schemas;
        }
        if (column.parts > 1) {
            name += ".file" + column.parts;
        }
        OutputFile output = context.createFile(name, "tif");
        Map<String, Object> instrument = metadata.instrument(descriptor);
        Double pixelSize = positive(instrument.get("pixel_size_um"));
        Double interval = positive(instrument.get("frame_interval_s"));
        Double fps = positive(instrument.get("fps"));
        double finterval = interval != null ? interval : fps != null ? 1 / fps : 0;
        ObjectNode calibration = mapper.createObjectNode();
        calibration.put("pixel_size_um", pixelSize);
        calibration.put("frame_interval_s", finterval > 0 ? finterval : null);
        ImageJDescription description = new ImageJDescription(pixelSize == null ? null : "micron", finterval);
        int height = (int) column.shape[0];
        int width = (int) column.shape[1];
        PageEncoder encoder = settings.deflate()
                ? new PageEncoder(deflaters, settings.predictor() && column.type.integer(), column.type, height, width)
                : null;
        byte[] document = metadata.document(output.finalPath().getFileName().toString(), descriptor, column.name,
                column.type, column.shape, calibration, null);
        TiffStack stack = TiffStack.create(output, descriptor.stream(), column.name, column.type, height, width, settings,
                description, pixelSize == null ? null : Rational.of(1 / pixelSize), encoder, pool, document,
                context::notice);
        Entry entry = new Entry(stack, stream, column, calibration);
        entries.add(entry);
        column.current = entry;
        directoryUsed.accept(output.path().toAbsolutePath().getParent());
        if (column.change != null) {
            context.notice("stream '" + descriptor.stream() + "': " + column.change + "; its frames from now on go to "
                    + output.finalPath().getFileName());
            column.change = null;
        }
        return entry;
    }

    private static Double positive(Object value) {
        return value instanceof Number n && n.doubleValue() > 0 && Double.isFinite(n.doubleValue()) ? n.doubleValue() : null;
    }

    @Override
    public void metadata(MetadataUpdate update) {
        metadata.apply(update);
        for (Entry entry : entries) {
            if (!entry.stack.ended() && MetadataState.concerns(update, entry.stream.descriptor)) {
                entry.stale = true;
            }
        }
    }

    @Override
    public void flush() throws IOException {
        StorageErrors.Failures failures = new StorageErrors.Failures();
        for (Entry entry : entries) {
            if (!entry.stack.ended()) {
                failures.run(() -> {
                    entry.stack.flush(entry.stale ? document(entry, null) : null);
                    entry.stale = false;
                });
            }
        }
        failures.throwFirst();
    }

    /**
     * Ends every file (pages in flight, final metadata and page count), then releases every file, which
     * removes the unfinished marks of those that ended: all at the end of the segment, just before the
     * core renames them.
     */
    @Override
    public void close(RunStop stop) throws IOException {
        StorageErrors.Failures failures = new StorageErrors.Failures();
        for (Entry entry : entries) {
            if (!entry.stack.ended()) {
                failures.run(() -> end(entry, stop));
            }
        }
        for (Entry entry : entries) {
            failures.run(entry.stack::close);
        }
        failures.throwFirst();
    }

    private void end(Entry entry, RunStop stop) throws IOException {
        entry.stack.end(entry.stale || stop != null ? document(entry, stop) : null);
        entry.stale = false;
    }

    private byte[] document(Entry entry, RunStop stop) {
        return metadata.document(entry.stack.output.finalPath().getFileName().toString(), entry.stream.descriptor,
                entry.column.name, entry.stack.type, new long[] {entry.stack.height, entry.stack.width},
                entry.calibration, stop);
    }
}
