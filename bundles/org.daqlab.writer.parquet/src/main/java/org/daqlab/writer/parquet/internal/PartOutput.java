package org.daqlab.writer.parquet.internal;

import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Where one part of a stream file is written: the data file from {@code start} on, through a
 * direct buffer (so the JDK does not copy heap arrays into temporary direct buffers). Positions are
 * absolute file offsets, so the footers parquet-java writes for the part point at the right bytes of
 * the whole file, and the final footer can list the row groups of every part as they are.
 *
 * <p>parquet-java closes the stream when a part ends; that only writes out the buffer, the channel
 * stays open for the next part.
 */
final class PartOutput implements OutputFile {

    private final FileChannel channel;
    private final Path path;
    private final ByteBuffer buffer;
    private final long start;

    /** @param buffer the stream file's write buffer, empty; reused by every part */
    PartOutput(FileChannel channel, Path path, ByteBuffer buffer, long start) {
        this.channel = channel;
        this.path = path;
        this.buffer = buffer;
        this.start = start;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) {
        return new Stream();
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
        return new Stream();
    }

    @Override
    public boolean supportsBlockSize() {
        return false;
    }

    @Override
    public long defaultBlockSize() {
        return 0;
    }

    @Override
    public String getPath() {
        return path.toString();
    }

    /** Writes {@code buffer}'s content at {@code position} of {@code channel}; returns the position after it. */
    static long drain(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
        buffer.clear();
        return position;
    }

    private final class Stream extends PositionOutputStream {
        /** File position of the buffer's first byte. */
        private long flushed = start;

        @Override
        public long getPos() {
            return flushed + buffer.position();
        }

        @Override
        public void write(int b) throws IOException {
            if (!buffer.hasRemaining()) {
                flush();
            }
            buffer.put((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (!buffer.hasRemaining()) {
                    flush();
                }
                int n = Math.min(len, buffer.remaining());
                buffer.put(b, off, n);
                off += n;
                len -= n;
            }
        }

        @Override
        public void flush() throws IOException {
            flushed = drain(channel, buffer, flushed);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
