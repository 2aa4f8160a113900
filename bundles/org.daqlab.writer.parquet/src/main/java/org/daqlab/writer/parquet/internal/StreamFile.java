package org.daqlab.writer.parquet.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.Version;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.daqlab.api.data.FixedShapeTensorType;
import org.daqlab.api.data.FixedShapeTensorVector;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.storage.OutputFile;
import org.daqlab.api.storage.StorageErrors;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * One stream's Parquet file of a segment, written as a sequence of <em>parts</em>: a part is what
 * one parquet-java {@link ParquetFileWriter} writes, {@code PAR1}, row groups, page indexes and a
 * footer listing its own row groups, at the file's end, with absolute offsets. At close the final
 * footer lists the row groups of every part, so the file is one Parquet file; the footers of the
 * parts stay in it as unused bytes between row groups (readers go by offsets).
 *
 * <p>A flush makes every row so far durable, in one of two ways. While the rows of the open part are
 * few (below {@link ParquetSettings#spoolLimit()}), they are spooled: appended to the journal as Arrow
 * IPC batches and synced, and the row group stays open, so that a slow stream flushed every second
 * still gets large row groups. Otherwise the part is completed (its footer written, the file synced)
 * and the journal replaced by one that records where it ends. Recovery after a crash truncates the
 * file to the last complete part, writes the spooled rows again and adds the final footer
 * ({@link ParquetRecovery}).
 *
 * <p>The journal is locked while the writer lives, and the file is registered in {@link LiveFiles},
 * so recovery in another process or in this one leaves it alone. Used by one thread.
 */
final class StreamFile {

    private static final int WRITE_BUFFER = 1 << 20;
    private static final String PART_START = "daqlab.part.start";

    private final String stream;
    private final StreamLayout layout;
    private final ParquetSettings settings;
    private final Path path;
    /** The core's file, for row counts; {@code null} when recovery completes a file. */
    private final OutputFile output;
    private final FileChannel data;
    /** The journal, whose lock marks the file as live (see {@link Journal}). */
    private final Journal journal;
    private final ObjectMapper mapper;
    /** For completing the file from its journal if it fails. */
    private final BufferAllocator allocator;
    private final BytesInputCompressor compressor;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(WRITE_BUFFER);
    /** The {@value SegmentMetadata#KEY} document for a file of so many rows. */
    private final LongFunction<String> document;
    private final FramePages[] frames;
    private final PlainPages[] plain;
    /** parquet-java's encoding properties, with this file's recycled buffers. */
    private final ParquetProperties properties;
    private final byte[][] scratch = {new byte[64]};

    /** End of the last complete part, where the next part or the final footer goes. */
    private long partEnd;
    private int parts;
    private final List<BlockMetaData> blocks = new ArrayList<>();

    private ParquetFileWriter part;
    private long partStart;
    private Group group;
    /** Raw Arrow bytes of the open part's rows while they are spooled; spooling stops above the limit. */
    private long partRawBytes;
    private boolean spooling = true;
    private final IpcSpool spool = new IpcSpool();
    private long rows;
    private long rowsSinceFlush;
    private boolean metadataChanged;
    private boolean failed;
    private boolean closed;

    private StreamFile(String stream, StreamLayout layout, ParquetSettings settings, Path path, OutputFile output,
            FileChannel data, Journal journal, ObjectMapper mapper, BufferAllocator allocator,
            LongFunction<String> document) {
        this.stream = stream;
        this.layout = layout;
        this.settings = settings;
        this.path = path;
        this.output = output;
        this.data = data;
        this.journal = journal;
        this.mapper = mapper;
        this.allocator = allocator;
        this.document = document;
        this.compressor = new PageCodecs(settings.level()).getCompressor(settings.compression().parquet);
        // each column fills a page's worth of slabs, releases them when the page is written and fills them again
        this.properties = layout.properties(new RecyclingAllocator(2L * layout.columns.size() * settings.pageBytes()));
        this.frames = new FramePages[layout.columns.size()];
        this.plain = new PlainPages[layout.columns.size()];
        for (int i = 0; i < frames.length; i++) {
            if (layout.columns.get(i).isFrame()) {
                frames[i] = new FramePages(layout.columns.get(i), settings.pageBytes());
            } else if (layout.plain(i)) {
                plain[i] = PlainPages.of(layout.columns.get(i), settings.byteStreamSplit(), settings.pageBytes());
            }
        }
    }

    /**
     * Starts the file of {@code stream} at {@code output}'s temporary path, with its journal.
     *
     * @throws IOException naming the file and the fix if it cannot be opened or is locked
     */
    static StreamFile create(String stream, StreamLayout layout, ParquetSettings settings, OutputFile output,
            ObjectMapper mapper, BufferAllocator allocator, LongFunction<String> document) throws IOException {
        Path path = output.path();
        if (!LiveFiles.claim(path)) {
            throw new IOException(path + " is already open in this process");
        }
        FileChannel data = null;
        try {
            data = open(path);
            byte[] header = new Header(stream, settings, layout.arrowSchema).toJson(mapper);
            Journal journal = Journal.create(Journal.of(path), header, 0, 0, utf8(document.apply(0)));
            return new StreamFile(stream, layout, settings, path, output, data, journal, mapper, allocator, document);
        } catch (IOException | RuntimeException e) {
            if (data != null) {
                data.close();
            }
            LiveFiles.release(path);
            throw e;
        }
    }

    /**
     * Continues a file after a crash, for recovery: {@code data} holds {@code parts} complete parts
     * ending at {@code partEnd}, whose row groups are {@code blocks}; anything after them is cut off.
     * The {@code journal} (locked and read by the caller) stays as it is until the rows written next
     * (the spooled ones) are durable in a part.
     */
    static StreamFile resume(Path path, FileChannel data, Journal journal, Header header, long partEnd, int parts,
            List<BlockMetaData> blocks, ObjectMapper mapper, BufferAllocator allocator, LongFunction<String> document)
            throws IOException {
        data.truncate(partEnd);
        StreamLayout layout = StreamLayout.of(header.stream, header.schema, header.settings);
        StreamFile file = new StreamFile(header.stream, layout, header.settings, path, null, data, journal, mapper,
                allocator, document);
        file.partEnd = partEnd;
        file.parts = parts;
        file.blocks.addAll(blocks);
        for (BlockMetaData block : blocks) {
            file.rows += block.getRowCount();
        }
        return file;
    }

    /** Opens the data file; a failure names the file and the fix (the JDK's message gives only a path and a reason). */
    private static FileChannel open(Path path) throws IOException {
        try {
            return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new IOException("cannot create the Parquet file " + path + ": " + StorageErrors.reason(e) + ". Fix: make "
                    + path.toAbsolutePath().getParent() + " a writable directory, or set output_dir of this writer to one", e);
        }
    }

    String stream() {
        return stream;
    }

    Path path() {
        return path;
    }

    StreamLayout layout() {
        return layout;
    }

    long rows() {
        return rows;
    }

    /** Whether writing or flushing failed; the file then takes nothing more and is completed from its journal. */
    boolean failed() {
        return failed;
    }

    /**
     * Writes a batch whose columns are the layout's.
     *
     * @throws IOException naming the stream, the file and the fix; the file is then failed
     */
    void write(VectorSchemaRoot batch) throws IOException {
        checkUsable();
        int n = batch.getRowCount();
        if (n == 0) {
            return;
        }
        checkNulls(batch);
        try {
            if (part == null) {
                startPart();
            }
            for (int from = 0; from < n; from += layout.sliceRows) {
                int to = Math.min(n, from + layout.sliceRows);
                if (group == null) {
                    group = new Group();
                }
                group.write(batch, from, to);
                if (group.bufferedBytes() >= settings.rowGroupBytes()) {
                    endGroup();
                }
            }
            if (spooling) {
                partRawBytes += rawBytes(batch);
                if (partRawBytes > settings.spoolLimit()) {
                    spooling = false;
                    spool.clear();
                } else {
                    spool.add(batch);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw failure("writing a batch of " + n + " rows to", e);
        }
        rows += n;
        rowsSinceFlush += n;
        if (output != null) {
            output.addRows(n);
        }
    }

    /** The run or instrument metadata in the file's document changed: the next flush records it. */
    void metadataChanged() {
        metadataChanged = true;
    }

    /**
     * Makes every row written so far durable (see the class comment).
     *
     * @throws IOException naming the stream, the file and the fix; the file is then failed
     */
    void flush() throws IOException {
        checkUsable();
        if (rowsSinceFlush == 0 && !metadataChanged) {
            return;
        }
        try {
            if (part != null && !spooling) {
                completePart();
            } else {
                if (spool.length() > 0) {
                    journal.append(Journal.Kind.BATCHES, spool.array(), spool.length());
                    spool.clear();
                }
                if (metadataChanged) {
                    byte[] doc = utf8(document.apply(rows));
                    journal.append(Journal.Kind.KEY_VALUES, doc, doc.length);
                }
                journal.force();
            }
        } catch (IOException | RuntimeException e) {
            throw failure("flushing", e);
        }
        rowsSinceFlush = 0;
        metadataChanged = false;
    }

    /**
     * Completes the file: the open part, then the final footer listing every part's row groups; the
     * journal is deleted once that is durable. A file that failed earlier is completed from what was
     * durable, as recovery would ({@link ParquetRecovery#complete}).
     *
     * @return the rows in the completed file: fewer than written if it failed
     * @throws IOException naming the file; its data and journal are then kept for recovery
     */
    long close() throws IOException {
        if (closed) {
            throw new IOException("stream '" + stream + "': " + path + " is already closed");
        }
        closed = true;
        if (failed) {
            release();
            try {
                ParquetRecovery.Result completed = ParquetRecovery.complete(path, allocator, mapper);
                if (completed == null) {
                    throw new IOException("another process holds its lock");
                }
                return completed.rows();
            } catch (IOException | RuntimeException e) {
                throw new IOException("stream '" + stream + "': " + path + " failed earlier and could not be completed "
                        + "from what was flushed (" + rootMessage(e) + "); it is kept with its journal and completed at the "
                        + "next start", e);
            }
        }
        try {
            if (part != null) {
                completePart();
            }
            writeFooter();
            data.force(false);
            journal.delete();
        } catch (IOException | RuntimeException e) {
            release();
            throw new IOException("stream '" + stream + "': completing " + path + " failed: " + rootMessage(e)
                    + "; it is kept with its journal and completed at the next start", e);
        }
        release();
        return rows;
    }

    /** Lets go of the file after a failure that the caller reports (the journal stays for recovery). */
    void abandon() {
        closed = true;
        release();
    }

    private void release() {
        try {
            data.close();
        } catch (IOException ignored) {
            // what was written is on disk or not; closing does not change that
        }
        try {
            journal.close(); // last: its lock keeps the file from other processes' recovery until now
        } catch (IOException ignored) {
            // as above
        }
        LiveFiles.release(path);
    }

    private void checkUsable() throws IOException {
        if (closed) {
            throw new IOException("stream '" + stream + "': " + path + " is already closed");
        }
        if (failed) {
            throw new IOException("stream '" + stream + "': " + path + " failed earlier; nothing more is written to it");
        }
    }

    /** Rejects a batch with nulls in a column declared non-nullable, before anything of it is written. */
    private void checkNulls(VectorSchemaRoot batch) throws IOException {
        for (ParquetColumn column : layout.columns) {
            FieldVector vector = batch.getVector(column.fieldIndex());
            if (!column.arrowField().isNullable() && vector.getNullCount() > 0) {
                throw new IOException("stream '" + stream + "': column '" + column.arrowField().getName() + "' is declared "
                        + "non-nullable but a batch has " + vector.getNullCount() + " null(s); nothing of the batch was "
                        + "written to " + path + ". Fix: declare the field nullable in the instrument's schema");
            }
        }
    }

    private void startPart() throws IOException {
        partStart = partEnd;
        // the constructor of this arity is the one without a Hadoop type among its overloads, so javac needs no Hadoop
        part = new ParquetFileWriter(new PartOutput(data, path, buffer, partStart), layout.parquetSchema,
                ParquetFileWriter.Mode.CREATE, settings.rowGroupBytes(), 0, properties.getColumnIndexTruncateLength(),
                properties.getStatisticsTruncateLength(), properties.getPageWriteChecksumEnabled());
        part.start();
    }

    private void endGroup() throws IOException {
        Group ending = group;
        group = null;
        ending.end();
    }

    /** Ends the open part, syncs the file and records the part in a new journal (dropping the spooled rows). */
    private void completePart() throws IOException {
        if (group != null) {
            endGroup();
        }
        part.end(Map.of(PART_START, Long.toString(partStart)));
        long end = part.getPos();
        List<BlockMetaData> written = part.getFooter().getBlocks();
        part = null;
        data.force(false);
        journal.replace(end, parts + 1, utf8(document.apply(rows)));
        blocks.addAll(written);
        partEnd = end;
        parts++;
        spooling = true;
        partRawBytes = 0;
        spool.clear();
    }

    /** Writes the footer of the whole file at the end of the last part (after the magic, if there is no part). */
    private void writeFooter() throws IOException {
        String doc = document.apply(rows);
        Map<String, String> keyValues = new LinkedHashMap<>();
        keyValues.put(StreamLayout.ARROW_SCHEMA, layout.arrowSchemaBase64(Map.of(SegmentMetadata.KEY, doc)));
        keyValues.put(SegmentMetadata.KEY, doc);
        ParquetMetadata metadata = new ParquetMetadata(
                new FileMetaData(layout.parquetSchema, keyValues, Version.FULL_VERSION), blocks);
        org.apache.parquet.format.FileMetaData footer =
                new ParquetMetadataConverter().toParquetMetadata(ParquetFileWriter.CURRENT_VERSION, metadata);
        List<RowGroup> groups = footer.getRow_groups();
        for (int i = Short.MAX_VALUE + 1; i < groups.size(); i++) {
            // the ordinal is a 16-bit field that only encryption uses; beyond it, parquet-java would write a wrapped value
            groups.get(i).unsetOrdinal();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (partEnd == 0) {
            bytes.write(ParquetFileWriter.MAGIC);
        }
        int footerStart = bytes.size();
        Util.writeFileMetaData(footer, bytes);
        int length = bytes.size() - footerStart;
        bytes.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(length).array());
        bytes.write(ParquetFileWriter.MAGIC);
        ByteBuffer out = ByteBuffer.wrap(bytes.toByteArray());
        long at = partEnd;
        while (out.hasRemaining()) {
            at += data.write(out, at);
        }
        data.truncate(at);
    }

    private IOException failure(String doing, Throwable e) {
        failed = true;
        String message = rootMessage(e);
        String fix = message != null && message.contains("No space left")
                ? ". Fix: free space on the file system of " + path.toAbsolutePath().getParent() + " or set output_dir of "
                        + "this writer to another one; rows flushed before are kept and the file is completed when the "
                        + "segment closes or at the next start"
                : "; rows flushed before are kept and the file is completed when the segment closes or at the next start";
        return new IOException("stream '" + stream + "': " + doing + " " + path + " failed: " + message + fix, e);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.toString() : m;
    }

    private static long rawBytes(VectorSchemaRoot batch) {
        long bytes = 0;
        for (FieldVector vector : batch.getFieldVectors()) {
            bytes += vector.getBufferSize();
        }
        return bytes;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The row group being filled: parquet-java's page and column stores, and the frame columns' pages. */
    private final class Group {
        private final ColumnChunkPageWriteStore pages;
        private final ColumnWriteStore scalars;
        private final ColumnWriter[] writers = new ColumnWriter[layout.columns.size()];
        private long groupRows;

        Group() {
            pages = ColumnChunkPageWriteStore.builder()
                    .withCompressorProvider(column -> compressor)
                    .withSchema(layout.parquetSchema)
                    // the compressed pages of a row group, of every size, are not worth recycling
                    .withAllocator(new HeapByteBufferAllocator())
                    .withColumnIndexTruncateLength(properties.getColumnIndexTruncateLength())
                    .withPageWriteChecksumEnabled(properties.getPageWriteChecksumEnabled())
                    .build();
            scalars = layout.scalarSchema.getFieldCount() == 0 ? null
                    : properties.newColumnWriteStore(layout.scalarSchema, pages, pages);
            for (int i = 0; i < writers.length; i++) {
                ParquetColumn column = layout.columns.get(i);
                if (column.isFrame()) {
                    frames[i].startRowGroup(pages.getPageWriter(layout.parquetSchema.getColumnDescription(
                            new String[] {column.parquet().getName(), "list", "element"})));
                } else if (plain[i] != null) {
                    plain[i].startRowGroup(pages.getPageWriter(layout.parquetSchema.getColumnDescription(
                            new String[] {column.parquet().getName()})));
                } else {
                    writers[i] = scalars.getColumnWriter(layout.scalarSchema.getColumnDescription(
                            new String[] {column.parquet().getName()}));
                }
            }
        }

        void write(VectorSchemaRoot batch, int from, int to) throws IOException {
            for (int i = 0; i < writers.length; i++) {
                ParquetColumn column = layout.columns.get(i);
                FieldVector vector = batch.getVector(column.fieldIndex());
                if (column.isFrame()) {
                    frames[i].write((FixedShapeTensorVector) vector, from, to);
                } else if (plain[i] != null) {
                    plain[i].write(vector, from, to);
                } else {
                    column.write(vector, from, to, writers[i], scratch);
                }
            }
            if (scalars != null) {
                for (int r = from; r < to; r++) {
                    scalars.endRecord();
                }
            }
            groupRows += to - from;
        }

        long bufferedBytes() {
            long bytes = scalars == null ? 0 : scalars.getBufferedSize();
            for (int i = 0; i < frames.length; i++) {
                bytes += frames[i] != null ? frames[i].bufferedBytes() : plain[i] != null ? plain[i].bufferedBytes() : 0;
            }
            return bytes;
        }

        void end() throws IOException {
            try {
                if (scalars != null) {
                    scalars.flush();
                }
                for (int i = 0; i < frames.length; i++) {
                    if (frames[i] != null) {
                        frames[i].endRowGroup();
                    } else if (plain[i] != null) {
                        plain[i].endRowGroup();
                    }
                }
                part.startBlock(groupRows);
                pages.flushToFileWriter(part);
                part.endBlock();
            } finally {
                if (scalars != null) {
                    scalars.close();
                }
                pages.close();
            }
        }
    }

    /**
     * What recovery needs to know about a stream file before it reads any of it: the stream, the
     * encoding settings and the stream's Arrow schema (an IPC schema message, base64).
     */
    record Header(String stream, ParquetSettings settings, Schema schema) {

        byte[] toJson(ObjectMapper mapper) throws IOException {
            ObjectNode node = mapper.createObjectNode();
            node.put("stream", stream);
            node.put("compression", settings.compression().option());
            node.put("level", settings.level());
            node.put("row_group_bytes", settings.rowGroupBytes());
            node.put("page_bytes", settings.pageBytes());
            node.put("byte_stream_split", settings.byteStreamSplit());
            node.put("arrow_schema", Base64.getEncoder().encodeToString(StreamLayout.ipcSchema(schema)));
            return mapper.writeValueAsBytes(node);
        }

        static Header fromJson(ObjectMapper mapper, byte[] json) throws IOException {
            JsonNode node = mapper.readTree(json);
            ParquetSettings settings = new ParquetSettings(ParquetCompression.fromOption(node.get("compression").asText()),
                    node.get("level").asInt(), node.get("row_group_bytes").asLong(), node.get("page_bytes").asInt(),
                    node.get("byte_stream_split").asBoolean());
            FixedShapeTensorType.register();
            byte[] ipc = Base64.getDecoder().decode(node.get("arrow_schema").asText());
            Schema schema = MessageSerializer.deserializeSchema(new ReadChannel(Channels.newChannel(new ByteArrayInputStream(ipc))));
            StreamSchemas.validate(schema);
            return new Header(node.get("stream").asText(), settings, schema);
        }
    }

    /** Where the part ending at a footer started (recorded in each part's footer). */
    static long partStart(ParquetMetadata partFooter) throws IOException {
        String start = partFooter.getFileMetaData().getKeyValueMetaData().get(PART_START);
        if (start == null) {
            throw new IOException("a part footer lacks " + PART_START);
        }
        return Long.parseLong(start);
    }
}
