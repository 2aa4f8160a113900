package org.daqlab.writer.arrow.internal;

import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.Footer;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowFooter;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Completes an Arrow IPC file whose writer did not end it (the process was killed, the disk
 * filled): the messages are walked from the start as any IPC reader walks them, everything up to
 * the end of the last complete message is kept, a partial message after it is cut off, and the end
 * is written as Arrow's writers write it: the end-of-stream marker for the stream format; the marker,
 * a footer indexing every complete record batch and the magic for the file format.
 *
 * <p>A message is complete when its prefix, its flatbuffer metadata (which must parse as a schema,
 * record batch or dictionary batch message) and its whole body are in the file, and a record batch's
 * buffers lie inside its body. The IPC format carries no checksums, so the values themselves are not
 * checked: the core's fsync at every flush is what makes flushed batches intact.
 */
final class IpcCompletion {

    /** The file format's leading magic, padded to 8 bytes. */
    private static final int FILE_HEADER = 8;
    private static final byte[] MAGIC = "ARROW1".getBytes(StandardCharsets.US_ASCII);
    private static final int CONTINUATION = MessageSerializer.IPC_CONTINUATION_TOKEN;

    private IpcCompletion() {
    }

    /**
     * What a walk through a file's messages found.
     *
     * @param schema         the schema, or {@code null} if the file holds no complete schema message
     * @param batches        blocks of the complete record batches, in order
     * @param dictionaries   blocks of the complete dictionary batches
     * @param rows           rows of those record batches
     * @param completeEnd    end of the last complete message (where the end goes)
     * @param size           the file's size
     * @param alreadyEnded   whether the file is complete as it is (end marker, and a valid footer for the file format)
     * @param stoppedBecause why the walk stopped before the end of the file, or {@code null}
     */
    record Scan(Schema schema, List<ArrowBlock> batches, List<ArrowBlock> dictionaries, long rows, long completeEnd,
            long size, boolean alreadyEnded, String stoppedBecause) {

        /** Bytes after the last complete message that completion cuts off. */
        long cutBytes() {
            return alreadyEnded ? 0 : size - completeEnd;
        }
    }

    /** What {@link #complete} did. */
    record Completed(Scan scan, boolean changed) {
    }

    /**
     * Walks the messages of {@code channel}'s file.
     *
     * @throws IOException if the file cannot be read, or a file-format file lacks its leading magic
     */
    static Scan scan(FileChannel channel, IpcFormat format) throws IOException {
        long size = channel.size();
        long position = 0;
        if (format == IpcFormat.FILE) {
            ByteBuffer magic = read(channel, 0, (int) Math.min(FILE_HEADER, size));
            if (magic.remaining() < MAGIC.length || !startsWithMagic(magic)) {
                return new Scan(null, List.of(), List.of(), 0, 0, size, false, "it does not start with the Arrow file magic");
            }
            position = FILE_HEADER;
        }
        Schema schema = null;
        List<ArrowBlock> batches = new ArrayList<>();
        List<ArrowBlock> dictionaries = new ArrayList<>();
        long rows = 0;
        String stopped = null;
        boolean endMarker = false;
        while (true) {
            if (position == size) {
                break;
            }
            if (size - position < 8) {
                stopped = "it ends inside a message prefix";
                break;
            }
            ByteBuffer prefix = read(channel, position, 8);
            int first = prefix.getInt(0);
            int metadataLength = first == CONTINUATION ? prefix.getInt(4) : first;
            long metadataStart = position + (first == CONTINUATION ? 8 : 4);
            if (metadataLength == 0) {
                endMarker = true;
                break;
            }
            if (metadataLength < 0 || metadataStart + metadataLength > size) {
                stopped = "it ends inside the metadata of a message";
                break;
            }
            Message message;
            long bodyLength;
            byte type;
            try {
                message = Message.getRootAsMessage(read(channel, metadataStart, metadataLength));
                bodyLength = message.bodyLength();
                type = message.headerType();
            } catch (RuntimeException garbage) {
                stopped = "a message's metadata does not parse (" + garbage + ")";
                break;
            }
            long bodyEnd = metadataStart + metadataLength + bodyLength;
            if (bodyLength < 0 || bodyEnd > size) {
                stopped = "it ends inside the body of a message";
                break;
            }
            if (schema == null) {
                if (type != MessageHeader.Schema) {
                    stopped = "it does not start with a schema message";
                    break;
                }
                try {
                    schema = MessageSerializer.deserializeSchema(message);
                } catch (RuntimeException garbage) {
                    stopped = "its schema message does not parse (" + garbage + ")";
                    break;
                }
            } else if (type == MessageHeader.RecordBatch || type == MessageHeader.DictionaryBatch) {
                RecordBatch batch;
                try {
                    batch = type == MessageHeader.RecordBatch ? (RecordBatch) message.header(new RecordBatch())
                            : ((org.apache.arrow.flatbuf.DictionaryBatch) message.header(
                                    new org.apache.arrow.flatbuf.DictionaryBatch())).data();
                } catch (RuntimeException garbage) {
                    stopped = "a batch's metadata does not parse (" + garbage + ")";
                    break;
                }
                if (batch == null || !buffersInside(batch, bodyLength)) {
                    stopped = "a batch's buffers do not fit its body";
                    break;
                }
                ArrowBlock block = new ArrowBlock(position, (int) (metadataStart + metadataLength - position), bodyLength);
                if (type == MessageHeader.RecordBatch) {
                    batches.add(block);
                    rows += batch.length();
                } else {
                    dictionaries.add(block);
                }
            } else {
                stopped = "a message of header type " + type + " is not a batch";
                break;
            }
            position = bodyEnd;
        }
        boolean ended = schema != null && endMarker
                && (format == IpcFormat.STREAM ? position + 8 == size : hasFooter(channel, size));
        return new Scan(schema, batches, dictionaries, rows, position, size, ended, stopped);
    }

    /**
     * Makes {@code channel}'s file a complete Arrow IPC file of {@code format} holding every complete
     * message, unless it is one already; forces it to disk.
     *
     * @param footerMetadata custom metadata of the footer (file format)
     * @throws IOException if the file holds no complete schema (nothing is changed then), or cannot be written
     */
    static Completed complete(FileChannel channel, IpcFormat format, Map<String, String> footerMetadata) throws IOException {
        Scan scan = scan(channel, format);
        if (scan.alreadyEnded()) {
            return new Completed(scan, false);
        }
        if (scan.schema() == null) {
            throw new IOException("it holds no complete Arrow schema message"
                    + (scan.stoppedBecause() == null ? "" : " (" + scan.stoppedBecause() + ")"));
        }
        channel.truncate(scan.completeEnd());
        channel.position(scan.completeEnd());
        IpcSink.writeEnd(new WriteChannel(channel), format, scan.schema(), scan.dictionaries(), scan.batches(),
                footerMetadata);
        channel.force(true);
        return new Completed(scan, true);
    }

    private static boolean buffersInside(RecordBatch batch, long bodyLength) {
        Buffer buffer = new Buffer();
        for (int i = 0; i < batch.buffersLength(); i++) {
            batch.buffers(buffer, i);
            if (buffer.offset() < 0 || buffer.length() < 0 || buffer.offset() + buffer.length() > bodyLength) {
                return false;
            }
        }
        return true;
    }

    /** Whether a file-format file ends with a footer that parses, its length and the magic. */
    private static boolean hasFooter(FileChannel channel, long size) throws IOException {
        if (size < FILE_HEADER + 4 + MAGIC.length) {
            return false;
        }
        ByteBuffer tail = read(channel, size - 4 - MAGIC.length, 4 + MAGIC.length);
        if (!startsWithMagic(tail.slice(4, MAGIC.length))) {
            return false;
        }
        int footerLength = tail.getInt(0);
        long footerStart = size - 4 - MAGIC.length - footerLength;
        if (footerLength <= 0 || footerStart < FILE_HEADER) {
            return false;
        }
        try {
            new ArrowFooter(Footer.getRootAsFooter(read(channel, footerStart, footerLength)));
            return true;
        } catch (RuntimeException garbage) {
            return false;
        }
    }

    private static boolean startsWithMagic(ByteBuffer buffer) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (buffer.get(i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** {@code length} bytes at {@code position}, little endian (fewer only at the end of the file). */
    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                break;
            }
        }
        return buffer.flip();
    }
}
