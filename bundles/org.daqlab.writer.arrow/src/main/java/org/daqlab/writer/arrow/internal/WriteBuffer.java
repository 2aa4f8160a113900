package org.daqlab.writer.arrow.internal;

import org.apache.arrow.memory.ArrowBuf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * What an IPC file is written through. A message comes in many small pieces (continuation, length,
 * metadata, padding, then each buffer and its padding): on a plain file channel that is a system
 * call each, which made 1,000-row batches of two columns cost 2.5× a raw sequential write, and
 * 10,000-row batches of 9 columns (a write per column) 1.4× in the kernel (measured with
 * ArrowWriteBench). Here the pieces are queued and written together in one gathering write: pieces
 * below {@value #LARGE} bytes are copied into a direct buffer, larger ones (the columns of a big
 * batch) are written from Arrow's memory without a copy, which is why {@link #endOfBatch} must write
 * them before the batch's buffers are released. Small batches accumulate in the buffer until it is
 * full. {@link #drain} writes everything queued; the file's writer drains at every flush and at the
 * end, so everything written is in the file when the core forces it to disk.
 */
final class WriteBuffer implements WritableByteChannel {

    /** Pieces of at least this many bytes are written from where they are. */
    static final int LARGE = 64 << 10;
    private static final int CAPACITY = 256 << 10;
    /** Longest view of Arrow memory queued as one piece. */
    private static final int MAX_PIECE = 1 << 30;

    private final FileChannel file;
    private final ByteBuffer gathered = ByteBuffer.allocateDirect(CAPACITY).order(ByteOrder.LITTLE_ENDIAN);
    /** What to write, in order: slices of {@link #gathered} and large pieces where they are. */
    private final List<ByteBuffer> queue = new ArrayList<>();
    /** Where the small pieces gathered since the last queued piece start, or -1 if there are none. */
    private int openRun = -1;
    /** Whether the queue holds a large piece, which lives only as long as the batch. */
    private boolean holdsLarge;
    /** Bytes handed over so far: the file offset of the next byte. */
    private long position;

    /** @param file a new, empty file: positions count from its start */
    WriteBuffer(FileChannel file) {
        this.file = file;
    }

    /** The file offset the next byte handed over lands at. */
    long position() {
        return position;
    }

    /** Hands over {@code piece}'s remaining bytes (Arrow's serializer writes through this). */
    @Override
    public int write(ByteBuffer piece) throws IOException {
        int length = piece.remaining();
        if (length >= LARGE) {
            queueLarge(piece.duplicate());
            piece.position(piece.limit());
        } else if (length > 0) {
            room(length);
            gathered.put(piece);
        }
        position += length;
        return length;
    }

    /** Hands over the first {@code length} bytes of {@code buffer}, which must stay valid until {@link #endOfBatch}. */
    void write(ArrowBuf buffer, long length) throws IOException {
        if (length >= LARGE) {
            for (long from = 0; from < length; from += MAX_PIECE) {
                queueLarge(buffer.nioBuffer(from, (int) Math.min(MAX_PIECE, length - from)));
            }
        } else if (length > 0) {
            room((int) length);
            int end = gathered.position() + (int) length;
            int limit = gathered.limit();
            buffer.getBytes(0, gathered.limit(end)); // copies up to the limit
            gathered.limit(limit);
        }
        position += length;
    }

    /** Hands over a little-endian int. */
    void writeInt(int value) throws IOException {
        room(Integer.BYTES);
        gathered.putInt(value);
        position += Integer.BYTES;
    }

    /** Hands over {@code count} (fewer than {@value #LARGE}) zero bytes: padding. */
    void zeros(int count) throws IOException {
        if (count > 0) {
            room(count);
            for (int i = 0; i < count; i++) {
                gathered.put((byte) 0);
            }
            position += count;
        }
    }

    /** Makes room for {@code length} bytes in {@link #gathered} and opens a run of small pieces there. */
    private void room(int length) throws IOException {
        if (length > gathered.remaining()) {
            drain();
        }
        if (openRun < 0) {
            openRun = gathered.position();
        }
    }

    private void queueLarge(ByteBuffer piece) {
        closeRun();
        queue.add(piece);
        holdsLarge = true;
    }

    /** Queues the small pieces gathered since the last queued piece, as one slice. */
    private void closeRun() {
        if (openRun >= 0) {
            queue.add(gathered.slice(openRun, gathered.position() - openRun));
            openRun = -1;
        }
    }

    /** The end of a batch's message: large pieces are written now, while the batch's buffers still exist. */
    void endOfBatch() throws IOException {
        if (holdsLarge) {
            drain();
        }
    }

    /** Writes everything queued to the file, in one gathering write (or a few: the JDK writes at most 1,024 pieces each). */
    void drain() throws IOException {
        closeRun();
        if (!queue.isEmpty()) {
            ByteBuffer[] pieces = queue.toArray(ByteBuffer[]::new);
            ByteBuffer last = pieces[pieces.length - 1];
            while (last.hasRemaining()) {
                file.write(pieces);
            }
        }
        queue.clear();
        gathered.clear();
        holdsLarge = false;
    }

    @Override
    public boolean isOpen() {
        return file.isOpen();
    }

    /** Nothing to release: the file channel belongs to the file's writer. */
    @Override
    public void close() {
        // the owner closes the file channel
    }
}
