package org.daqlab.writer.arrow.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The channel Arrow's writer writes a file through. Arrow hands over every message in many small
 * pieces (continuation, length, metadata, padding, then each buffer and its padding): on a plain file
 * channel that is a system call each, which made 1,000-row batches of two columns cost 2.5× a raw
 * sequential write, and 10,000-row batches of 9 columns (a write per column) 1.4× in the kernel
 * (measured with ArrowWriteBench). Here the pieces of a message are queued and written together in
 * one gathering write: pieces below {@value #LARGE} bytes are copied into a direct buffer, larger ones
 * (the columns of a big batch) are written from Arrow's memory without a copy, which is why
 * {@link #endOfBatch} must write them before the batch's buffers are released. Small batches
 * accumulate in the buffer until it is full. {@link #drain} writes everything queued; the file's
 * writer drains at every flush and at the end, so everything written is in the file when the core
 * forces it to disk.
 */
final class WriteBuffer implements WritableByteChannel {

    /** Pieces of at least this many bytes are written from where they are. */
    static final int LARGE = 64 << 10;
    private static final int CAPACITY = 256 << 10;

    private final FileChannel file;
    private final ByteBuffer gathered = ByteBuffer.allocateDirect(CAPACITY);
    /** What to write, in order: slices of {@link #gathered} and large pieces where they are. */
    private final List<ByteBuffer> queue = new ArrayList<>();
    /** Where the last slice of {@link #gathered} in the queue starts, or -1 if the queue ends with a large piece. */
    private int openSlice = -1;
    /** Whether the queue holds a large piece, which lives only as long as the batch. */
    private boolean holdsLarge;

    WriteBuffer(FileChannel file) {
        this.file = file;
    }

    @Override
    public int write(ByteBuffer piece) throws IOException {
        int length = piece.remaining();
        if (length == 0) {
            return 0;
        }
        if (length >= LARGE) {
            queue.add(piece.duplicate());
            piece.position(piece.limit());
            openSlice = -1;
            holdsLarge = true;
            return length;
        }
        if (length > gathered.remaining()) {
            drain();
        }
        if (openSlice < 0) {
            openSlice = gathered.position();
            queue.add(null); // the slice, cut when written
        }
        gathered.put(piece);
        queue.set(queue.size() - 1, gathered.slice(openSlice, gathered.position() - openSlice));
        return length;
    }

    /** The end of a batch's message: large pieces are written now, while the batch's buffers still exist. */
    void endOfBatch() throws IOException {
        if (holdsLarge) {
            drain();
        }
    }

    /** Writes everything queued to the file, in one gathering write (or a few: at most 1,024 pieces each). */
    void drain() throws IOException {
        if (!queue.isEmpty()) {
            ByteBuffer[] pieces = queue.toArray(ByteBuffer[]::new);
            ByteBuffer last = pieces[pieces.length - 1];
            while (last.hasRemaining()) {
                file.write(pieces);
            }
        }
        queue.clear();
        gathered.clear();
        openSlice = -1;
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
