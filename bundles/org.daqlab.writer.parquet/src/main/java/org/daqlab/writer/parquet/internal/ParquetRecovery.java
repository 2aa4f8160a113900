package org.daqlab.writer.parquet.internal;

import org.daqlab.api.storage.Leftovers;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Completes the stream files of segments that never closed (the JVM was killed, the machine lost
 * power, the disk filled up): each {@code <name>.parquet.part} with a journal beside it and no live
 * writer holding its lock. The file is cut after its last complete part (what follows was written
 * after the last flush and has no footer), the rows the journal spooled since are written again as a
 * last part, and the footer of the whole file is added, exactly as a normal close would; then the
 * file gets its final name. Everything flushed is in it, once and in order. The log and the writer's
 * status say what was recovered; a journal that cannot be used stays with its data and is reported.
 */
final class ParquetRecovery {

    static final String DATA_SUFFIX = ".parquet.part";

    private ParquetRecovery() {
    }

    /**
     * What a completed file holds.
     *
     * @param stream       the stream
     * @param rows         rows in the file
     * @param spooledRows  rows of those written again from the journal
     * @param parts        complete parts found
     * @param droppedBytes bytes after the last complete part that were cut off (never flushed)
     * @param journalEnd   why the journal ended early, or {@code null}
     */
    record Result(String stream, long rows, long spooledRows, int parts, long droppedBytes, String journalEnd) {
    }

    /** The data files left in {@code directory} with a journal. */
    static List<Path> leftovers(Path directory) throws IOException {
        return Leftovers.find(directory, "*" + DATA_SUFFIX + Journal.SUFFIX, journal -> {
            String name = journal.getFileName().toString();
            return journal.resolveSibling(name.substring(0, name.length() - Journal.SUFFIX.length()));
        });
    }

    /** Recovers every leftover of {@code directory} in the background, reporting each outcome to {@code report}. */
    static void recoverAll(Path directory, Executor background, BufferAllocator allocator, ObjectMapper mapper,
            Consumer<String> report) {
        Leftovers.recoverInBackground("Parquet file", directory, ParquetRecovery::leftovers,
                leftover -> recover(leftover, allocator, mapper), "the data file and journal are kept untouched",
                background, report);
    }

    /**
     * Completes one leftover and renames it to its final name.
     *
     * @return what was recovered, or {@code null} if a live writer owns the file or has completed it
     * @throws IOException if it cannot be recovered (the data and journal are kept)
     */
    static String recover(Path data, BufferAllocator allocator, ObjectMapper mapper) throws IOException {
        Result result = complete(data, allocator, mapper);
        if (result == null) {
            return null;
        }
        Path target = finalName(data);
        Files.move(data, target, StandardCopyOption.ATOMIC_MOVE);
        Journal.syncDirectory(target.toAbsolutePath().getParent());
        StringBuilder text = new StringBuilder("recovered ").append(target.getFileName())
                .append(" (stream '").append(result.stream()).append("') from a segment that did not close: ")
                .append(result.rows()).append(" rows, ").append(result.spooledRows()).append(" of them spooled in its journal");
        if (result.droppedBytes() > 0) {
            text.append("; ").append(result.droppedBytes()).append(" bytes written after the last flush were incomplete and cut off");
        }
        if (result.journalEnd() != null) {
            text.append("; the journal ends early (").append(result.journalEnd()).append(')');
        }
        return text.toString();
    }

    /**
     * Completes {@code data} in place from its journal: cuts it after its last complete part, writes
     * the spooled rows as a last part and the footer of the whole file, and deletes the journal.
     *
     * @return what the file holds, or {@code null} if a live writer holds its lock or has completed it
     * @throws IOException if the journal or the parts cannot be read, or the file cannot be written
     */
    static Result complete(Path data, BufferAllocator allocator, ObjectMapper mapper) throws IOException {
        Path journalPath = Journal.of(data);
        if (!LiveFiles.claim(data)) {
            return null; // a writer or another recovery of this JVM has it open
        }
        try {
            return completeClaimed(data, journalPath, allocator, mapper);
        } finally {
            LiveFiles.release(data);
        }
    }

    private static Result completeClaimed(Path data, Path journalPath, BufferAllocator allocator, ObjectMapper mapper)
            throws IOException {
        Journal lockedJournal;
        try {
            lockedJournal = Journal.lock(journalPath);
        } catch (NoSuchFileException completed) {
            return null; // its writer completed it between the listing and now
        }
        if (lockedJournal == null) {
            return null; // a live writer of another process holds it
        }
        StreamFile file;
        Journal.Contents journal;
        long dropped;
        FileChannel channel = null;
        try {
            journal = lockedJournal.read();
            if (!Files.exists(data)) {
                throw new IOException("the journal " + journalPath + " has no data file " + data.getFileName());
            }
            // a replacement the crash interrupted never took effect: the journal read here is the one in force
            Files.deleteIfExists(Journal.aside(journalPath));
            StreamFile.Header header = StreamFile.Header.fromJson(mapper, journal.header());
            channel = FileChannel.open(data, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long size = channel.size();
            if (size < journal.partEnd()) {
                throw new IOException(data + " has " + size + " bytes, but its journal says its parts end at byte "
                        + journal.partEnd() + ": the file was truncated or replaced");
            }
            dropped = size - journal.partEnd();
            List<BlockMetaData> blocks = readParts(channel, data, journal.partEnd(), journal.parts());
            String document = new String(journal.keyValues(), StandardCharsets.UTF_8);
            file = StreamFile.resume(data, channel, lockedJournal, header, journal.partEnd(), journal.parts(), blocks, mapper,
                    allocator, rows -> recoveredDocument(mapper, document, rows));
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            lockedJournal.close();
            throw e;
        }
        long spooled = 0;
        try {
            for (byte[] batches : journal.batches()) {
                spooled += IpcSpool.replay(batches, file.layout().arrowSchema, allocator, file::write);
            }
        } catch (IOException | RuntimeException e) {
            file.abandon();
            throw e;
        }
        long rows = file.close();
        return new Result(file.stream(), rows, spooled, journal.parts(), dropped, journal.stoppedBecause());
    }

    /** The row groups of the {@code parts} parts before {@code end}, read from their footers, last part first. */
    private static List<BlockMetaData> readParts(FileChannel channel, Path data, long end, int parts) throws IOException {
        List<List<BlockMetaData>> byPart = new ArrayList<>();
        ParquetMetadataConverter converter = new ParquetMetadataConverter();
        for (int i = parts; i > 0; i--) {
            ByteBuffer tail = read(channel, end - 8, 8).order(ByteOrder.LITTLE_ENDIAN);
            int length = tail.getInt();
            byte[] magic = new byte[4];
            tail.get(magic);
            if (!Arrays.equals(magic, ParquetFileWriter.MAGIC) || length <= 0 || length > end - 8) {
                throw new IOException("part " + i + " of " + data + " has no footer ending at byte " + end);
            }
            ByteBuffer footer = read(channel, end - 8 - length, length);
            ParquetMetadata metadata = converter.readParquetMetadata(
                    new ByteArrayInputStream(footer.array()), ParquetMetadataConverter.NO_FILTER);
            byPart.add(0, metadata.getBlocks());
            end = StreamFile.partStart(metadata);
        }
        if (end != 0) {
            throw new IOException("the first part of " + data + " starts at byte " + end + ", not 0: the journal is inconsistent");
        }
        List<BlockMetaData> blocks = new ArrayList<>();
        byPart.forEach(blocks::addAll);
        return blocks;
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        if (position < 0) {
            throw new IOException("a footer would start before the file");
        }
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("the file ends at byte " + (position + buffer.position()) + " inside a footer");
            }
        }
        return buffer.flip();
    }

    /** The metadata document of the last flush, with the rows the recovered file holds and a note that it was recovered. */
    private static String recoveredDocument(ObjectMapper mapper, String document, long rows) {
        try {
            ObjectNode node = (ObjectNode) mapper.readTree(document);
            node.put("rows_written", rows);
            node.put("recovered", true);
            return mapper.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException("the journal's metadata document is not JSON", e);
        }
    }


    /** {@code x.parquet.part} becomes {@code x.parquet}, or {@code x.recovered.parquet} if that exists. */
    private static Path finalName(Path data) {
        String name = data.getFileName().toString();
        String base = name.substring(0, name.length() - ".part".length());
        Path target = data.resolveSibling(base);
        String stem = base.substring(0, base.length() - ".parquet".length());
        for (int n = 1; Files.exists(target); n++) {
            target = data.resolveSibling(stem + ".recovered" + (n > 1 ? n : "") + ".parquet");
        }
        return target;
    }
}
