package org.daqlab.writer.hdf5.internal;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import io.jhdf.api.WritableNode;
import io.jhdf.dataset.chunked.Chunk;
import io.jhdf.dataset.chunked.indexing.ChunkImpl;
import io.jhdf.dataset.chunked.indexing.FixedArrayIndexWriter;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.message.DataLayoutMessage;
import io.jhdf.object.message.DataLayoutMessage.ChunkedDataLayoutMessageV4;
import org.daqlab.writer.hdf5.internal.SegmentModel.ChunkRef;
import org.daqlab.writer.hdf5.internal.SegmentModel.Column;
import org.daqlab.writer.hdf5.internal.SegmentModel.Group;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;

/**
 * Turns a data file (chunks written during the run, after a reserved metadata region) and its
 * journal's {@link SegmentModel} into a valid HDF5 file, in place: unfinished chunks (from flush
 * tails) and string chunks are encoded and appended, then each dataset's fixed-array chunk index,
 * then jhdf writes the superblock, groups, attributes and {@link ChunkedDatasetNode} headers into
 * the reserved region. Running it again over the same journal gives the same file, so a crash
 * during the build is recovered like a crash during the run.
 */
final class Hdf5FileBuilder {

    /** Attribute names the layout reserves at the root and on stream groups (FORMAT.md). */
    static final Set<String> RESERVED_ROOT = Set.of("created_at", "created_timestamp_ns", "application", "run_uid",
            "run_name", "segment");
    static final Set<String> RESERVED_GROUP = Set.of("stream", "instrument_id", "created_at");

    /** What was built: rows per stream group. */
    record Result(Map<String, Long> rowsByGroup) {
        long rows() {
            return rowsByGroup.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final SegmentModel model;
    private final Path dataFile;
    private final Path journal;
    private final ChunkCodec codec;
    private final long reserved;
    private final CRC32C crc = new CRC32C();

    Hdf5FileBuilder(SegmentModel model, Path dataFile, Path journal) {
        this.model = model;
        this.dataFile = dataFile;
        this.journal = journal;
        this.codec = model.header.codec();
        this.reserved = model.header.reservedBytes();
    }

    /** Bytes of all chunks the journal records (what {@link #verifyChunks} reads). */
    long chunkBytes() {
        return model.groups.stream().flatMap(g -> g.columns.stream()).flatMap(c -> c.chunks.stream())
                .filter(Objects::nonNull).mapToLong(ChunkRef::size).sum();
    }

    /**
     * Checks every chunk against its recorded checksum and forgets, per column, the chunks from the
     * first bad or missing one on: after a crash the operating system may not have written them.
     *
     * @param step    bytes between two progress reports
     * @param checked told the bytes checked so far after every {@code step} bytes (a large file takes a while)
     * @return the number of chunks dropped
     */
    long verifyChunks(long step, LongConsumer checked) throws IOException {
        long dropped = 0;
        long done = 0;
        long report = step;
        try (FileChannel channel = FileChannel.open(dataFile, StandardOpenOption.READ)) {
            long size = channel.size();
            for (Group g : model.groups) {
                for (Column c : g.columns) {
                    for (int i = 0; i < c.chunks.size(); i++) {
                        ChunkRef chunk = c.chunks.get(i);
                        if (chunk == null) {
                            continue;
                        }
                        if (!intact(channel, size, chunk)) {
                            c.chunks.set(i, null);
                            dropped++;
                        }
                        done += chunk.size();
                        if (done >= report) {
                            checked.accept(done);
                            report = done + step;
                        }
                    }
                }
            }
        }
        return dropped;
    }

    private boolean intact(FileChannel channel, long size, ChunkRef chunk) throws IOException {
        if (chunk.offset() < reserved || chunk.offset() + chunk.size() > size) {
            return false;
        }
        ByteBuffer bytes = ByteBuffer.allocate(chunk.size());
        Journal.readFully(channel, bytes, chunk.offset());
        crc.reset();
        crc.update(bytes);
        return (int) crc.getValue() == chunk.crc();
    }

    /**
     * Builds the file.
     *
     * @throws IOException if the file cannot be written (the journal stays, so the build can be retried)
     */
    Result build() throws IOException {
        Map<String, Long> rows = new LinkedHashMap<>();
        List<List<DataLayoutMessage>> layouts = new ArrayList<>();
        List<List<Long>> storage = new ArrayList<>();
        try (FileChannel data = FileChannel.open(dataFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileChannel journalChannel = FileChannel.open(journal, StandardOpenOption.READ)) {
            long end = Math.max(data.size(), reserved);
            Appender appender = new Appender(data, end);
            for (Group g : model.groups) {
                long groupRows = g.rows();
                rows.put(g.name, groupRows);
                List<DataLayoutMessage> groupLayouts = new ArrayList<>();
                List<Long> groupStorage = new ArrayList<>();
                for (Column c : g.columns) {
                    List<Chunk> chunks = c.layout.type() == ElementType.UTF8
                            ? appendStringChunks(c, groupRows, journalChannel, appender)
                            : chunksOf(c, groupRows, appender);
                    groupStorage.add(chunks.stream().mapToLong(Chunk::getSize).sum());
                    groupLayouts.add(layout(c, groupRows, chunks, appender));
                }
                layouts.add(groupLayouts);
                storage.add(groupStorage);
            }
            data.force(false);
        }
        writeMetadata(layouts, storage);
        return new Result(rows);
    }

    /** Chunks 0…n-1 as recorded, plus the unfinished last chunk assembled from flush tails. */
    private List<Chunk> chunksOf(Column c, long rows, Appender appender) throws IOException {
        int chunkRows = c.layout.chunkRows();
        int needed = Math.toIntExact((rows + chunkRows - 1) / chunkRows);
        int recorded = Math.min(needed, c.chunkedCount());
        List<Chunk> chunks = new ArrayList<>(needed);
        for (int i = 0; i < recorded; i++) {
            ChunkRef ref = c.chunks.get(i);
            chunks.add(new ChunkImpl(ref.offset(), ref.size(), chunkOffset(c.layout, i)));
        }
        if (recorded < needed) {
            // the first chunk of a dataset shorter than one chunk is cut to the dataset's length
            byte[] chunk = new byte[recorded == 0 && rows < chunkRows ? Math.toIntExact(rows * c.layout.rowBytes())
                    : c.layout.chunkBytes()];
            long first = (long) recorded * chunkRows;
            int filled = 0;
            for (Map.Entry<Long, byte[]> tail : c.tails.tailMap(first, true).entrySet()) {
                int at = Math.toIntExact((tail.getKey() - first) * c.layout.rowBytes());
                if (at != filled || at >= chunk.length) {
                    break;
                }
                int n = Math.min(tail.getValue().length, chunk.length - at);
                System.arraycopy(tail.getValue(), 0, chunk, at, n);
                filled += n;
            }
            byte[] stored = codec.encode(chunk, c.layout.type().size());
            chunks.add(new ChunkImpl(appender.append(stored), stored.length, chunkOffset(c.layout, recorded)));
        }
        return chunks;
    }

    /** String columns are stored at the width of their longest value, known only now: encode every chunk. */
    private List<Chunk> appendStringChunks(Column c, long rows, FileChannel journalChannel, Appender appender)
            throws IOException {
        int width = stringWidth(c);
        int chunkRows = c.layout.chunkRows();
        List<Chunk> chunks = new ArrayList<>();
        byte[] chunk = new byte[Math.multiplyExact(width, chunkRows)];
        int inChunk = 0;
        long row = 0;
        for (long offset : c.stringRecords) {
            ByteBuffer head = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            Journal.readFully(journalChannel, head, offset - 5);
            ByteBuffer payload = ByteBuffer.allocate(head.getInt(0)).order(ByteOrder.LITTLE_ENDIAN);
            Journal.readFully(journalChannel, payload, offset);
            payload.position(16);
            int count = payload.getInt();
            for (int i = 0; i < count && row < rows; i++, row++) {
                int length = payload.getInt();
                payload.get(chunk, inChunk * width, length);
                Arrays.fill(chunk, inChunk * width + length, (inChunk + 1) * width, (byte) 0);
                if (++inChunk == chunkRows) {
                    chunks.add(appendEncoded(c, chunks.size(), chunk, width, appender));
                    inChunk = 0;
                }
            }
        }
        if (inChunk > 0) {
            Arrays.fill(chunk, inChunk * width, chunk.length, (byte) 0);
            if (chunks.isEmpty()) {
                chunk = Arrays.copyOf(chunk, inChunk * width);
            }
            chunks.add(appendEncoded(c, chunks.size(), chunk, width, appender));
        }
        return chunks;
    }

    private Chunk appendEncoded(Column c, int index, byte[] chunk, int width, Appender appender) throws IOException {
        byte[] stored = codec.encode(chunk.clone(), 1);
        return new ChunkImpl(appender.append(stored), stored.length, chunkOffset(c.layout, index));
    }

    /** Bytes per string: the longest value plus the terminating NUL. */
    private static int stringWidth(Column c) {
        return Math.max(1, c.maxStringBytes) + 1;
    }

    private static long[] chunkOffset(ColumnLayout layout, int index) {
        long[] offset = new long[layout.elementShape().length + 1];
        offset[0] = (long) index * layout.chunkRows();
        return offset;
    }

    /** Appends the chunk index when there is more than one chunk and returns the layout message. */
    private DataLayoutMessage layout(Column c, long rows, List<Chunk> chunks, Appender appender) throws IOException {
        int elementSize = c.layout.type() == ElementType.UTF8 ? stringWidth(c) : c.layout.type().size();
        int[] chunkDims = c.layout.chunkShape();
        if (chunks.size() == 1 && rows < chunkDims[0]) {
            // libhdf5 refuses chunks longer than a fixed-size dataset (it reads them, but other readers
            // need not), so a dataset shorter than one chunk has one chunk cut to its length: by the
            // writer at close (its rows are recorded) or here, from tails and strings
            ChunkRef recorded = c.layout.type() == ElementType.UTF8 || c.chunks.isEmpty() ? null : c.chunks.get(0);
            if (recorded == null) {
                chunkDims[0] = Math.toIntExact(rows);
            } else if (recorded.rows() < chunkDims[0]) {
                chunkDims[0] = recorded.rows();
            }
        }
        int[] layoutDims = Arrays.copyOf(chunkDims, chunkDims.length + 1);
        layoutDims[chunkDims.length] = elementSize;
        int chunkBytes = Math.multiplyExact(Arrays.stream(chunkDims).reduce(1, Math::multiplyExact), elementSize);
        if (chunks.size() == 1) {
            Chunk only = chunks.get(0);
            return codec.filtered()
                    ? ChunkedDataLayoutMessageV4.createFilteredSingleChunk(only.getAddress(), layoutDims, only.getSize())
                    : ChunkedDataLayoutMessageV4.createSingleChunk(only.getAddress(), layoutDims);
        }
        int pageBits = Math.max(10, 32 - Integer.numberOfLeadingZeros(Math.max(1, chunks.size() - 1)));
        if (chunks.isEmpty()) {
            return ChunkedDataLayoutMessageV4.createFixedArray(io.jhdf.Constants.UNDEFINED_ADDRESS, layoutDims, pageBits);
        }
        long address = appender.position();
        ByteBuffer index = FixedArrayIndexWriter.createFixedArray(chunks, address, chunkBytes, codec.filtered(), pageBits);
        appender.append(index);
        return ChunkedDataLayoutMessageV4.createFixedArray(address, layoutDims, pageBits);
    }

    private void writeMetadata(List<List<DataLayoutMessage>> layouts, List<List<Long>> storage) throws IOException {
        SegmentModel.Header h = model.header;
        WritableHdfFile file = HdfFile.write(dataFile);
        try {
            file.removeAttribute("_jHDF");
            putAll(file, model.runMetadata, RESERVED_ROOT);
            file.putAttribute("created_at", Instant.ofEpochSecond(0, h.createdNs()).toString());
            file.putAttribute("created_timestamp_ns", h.createdNs(), true);
            file.putAttribute("application", h.application());
            file.putAttribute("run_uid", h.runUid());
            file.putAttribute("run_name", h.runName());
            file.putAttribute("segment", (long) h.segment());
            for (int gi = 0; gi < model.groups.size(); gi++) {
                Group g = model.groups.get(gi);
                WritableGroup group = file.putGroup(g.name);
                putAll(group, g.metadata, RESERVED_GROUP);
                group.putAttribute("stream", g.stream);
                group.putAttribute("instrument_id", g.instrumentId);
                group.putAttribute("created_at", Instant.ofEpochSecond(0, g.createdNs).toString());
                long rows = g.rows();
                var schema = org.apache.arrow.vector.types.pojo.Schema.fromJSON(g.schemaJson);
                for (int ci = 0; ci < g.columns.size(); ci++) {
                    Column c = g.columns.get(ci);
                    DataType type = c.layout.type() == ElementType.UTF8
                            ? ElementType.stringType(stringWidth(c) - 1) : c.layout.type().dataType();
                    int elementSize = c.layout.type() == ElementType.UTF8 ? 1 : c.layout.type().size();
                    ChunkedDatasetNode node = new ChunkedDatasetNode(group, c.layout.dataset(), type, c.layout.shape(rows),
                            codec.filters(elementSize), layouts.get(gi).get(ci), storage.get(gi).get(ci), reserved);
                    node.putAttribute("schema", g.schemaJson);
                    schema.getFields().get(c.layout.fieldIndex()).getMetadata().forEach((key, value) -> {
                        if (!key.startsWith("ARROW:")) {
                            putFieldMetadata(node, key, value);
                        }
                    });
                    group.putDataset(c.layout.dataset(), node);
                }
            }
        } finally {
            file.close();
        }
    }

    private static void putFieldMetadata(WritableNode node, String key, String value) {
        if (key.equals(org.daqlab.api.data.StreamSchemas.UNIT)) {
            node.putAttribute("units", value);
            return;
        }
        try {
            node.putAttribute(key, Double.parseDouble(value));
        } catch (NumberFormatException notANumber) {
            node.putAttribute(key, value);
        }
    }

    /** Metadata values as attributes; a key the layout reserves is stored as {@code metadata.<key>}. */
    private static void putAll(WritableNode node, Map<String, Object> metadata, Set<String> reservedNames) {
        metadata.forEach((key, value) -> {
            String name = reservedNames.contains(key) ? "metadata." + key : key;
            if (value instanceof Boolean b) {
                node.putAttribute(name, (byte) (b ? 1 : 0), true);
            } else {
                // String, Long or Double: the journal's JSON reads whole numbers as Long
                node.putAttribute(name, value);
            }
        });
    }

    /** Appends at the end of the data file. */
    private static final class Appender {
        private final FileChannel channel;
        private long position;

        Appender(FileChannel channel, long position) {
            this.channel = channel;
            this.position = position;
        }

        long position() {
            return position;
        }

        long append(byte[] bytes) throws IOException {
            return append(ByteBuffer.wrap(bytes));
        }

        long append(ByteBuffer bytes) throws IOException {
            long at = position;
            while (bytes.hasRemaining()) {
                position += channel.write(bytes, position);
            }
            return at;
        }
    }
}
