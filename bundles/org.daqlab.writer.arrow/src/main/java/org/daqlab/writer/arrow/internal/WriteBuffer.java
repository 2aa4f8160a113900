package org.daqlab.writer.arrow.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The channel Arrow's writer writes a file through. Arrow hands over every message in many small
 * pieces (continuation, length, metadata, padding, then each buffer and its padding): on a plain file
 * channel that is a system call each, which made 1,000-row batches of two columns cost 2.5× a raw
 * sequential write (measured with ArrowWriteBench). Here pieces below {@value #LARGE} bytes are
 * copied into one direct buffer, written when it is full, at {@link #drain}; a large piece (a
 * column of a big batch) goes out at once from Arrow's memory, in one gathering write behind what
 * was gathered, without a copy. The file's writer drains at every flush and at the end, so
 * everything written is in the file when the core forces it to disk.
 */
final class WriteBuffer implements WritableByteChannel {

    /** Pieces of at least this many bytes are written from where they are. */
    static final int LARGE = 64 << 10;
    private static final int CAPACITY = 256 << 10;

    private final FileChannel file;
    private final ByteBuffer gathered = ByteBuffer.allocateDirect(CAPACITY);
    private final ByteBuffer[] pair = new ByteBuffer[2];

    WriteBuffer(FileChannel file) {
        this.file = file;
    }

    @Override
    public int write(ByteBuffer piece) throws IOException {
        int length = piece.remaining();
        if (length >= LARGE) {
            gathered.flip();
            pair[0] = gathered;
            pair[1] = piece;
            while (piece.hasRemaining()) {
                file.write(pair);
            }
            gathered.clear();
            return length;
        }
        if (length > gathered.remaining()) {
            drain();
        }
        gathered.put(piece);
        return length;
    }

    /** Writes what is gathered to the file. */
    void drain() throws IOException {
        gathered.flip();
        while (gathered.hasRemaining()) {
            file.write(gathered);
        }
        gathered.clear();
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
