package org.daqlab.writer.arrow.internal;

import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.CompressionUtil;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Arrow IPC body compression {@code LZ4_FRAME} with lz4-java's {@link LZ4FrameOutputStream}: one
 * standard LZ4 frame (magic {@code 04 22 4D 18}, independent blocks, the content size in the header)
 * per buffer, as the specification asks. lz4-java's frame stream reads only byte arrays, so each
 * buffer is copied to the heap (into an array reused between buffers); the frame is written straight
 * into the Arrow buffer that holds the result. (Arrow's own arrow-compression LZ4 codec is not used:
 * it ran at 0.1 MB/s here.)
 */
final class Lz4FrameCodec extends BodyCodec {

    /**
     * 64 KiB blocks: LZ4 finds matches at most 64 KiB back anyway, and the frame stream allocates two
     * arrays of the block size per buffer (with 4 MiB blocks that made LZ4 slower than ZSTD).
     */
    private static final LZ4FrameOutputStream.BLOCKSIZE BLOCK = LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB;
    private static final int BLOCK_BYTES = 64 << 10;

    /** Frame header (at most 19 bytes), end mark (4) and, per block, its length (4). */
    private static final int FRAME_OVERHEAD = 19 + 4;
    private static final int BLOCK_HEADER = 4;

    private byte[] input = new byte[0];

    @Override
    protected ArrowBuf doCompress(BufferAllocator allocator, ArrowBuf uncompressed) {
        int length = arrayLength(uncompressed.writerIndex());
        if (input.length < length) {
            input = new byte[length];
        }
        uncompressed.getBytes(0, input, 0, length);
        // a block that does not shrink is stored as it is, so the frame is never longer than this
        long blocks = (length + BLOCK_BYTES - 1) / BLOCK_BYTES;
        ArrowBuf compressed = allocator.buffer(PREFIX + FRAME_OVERHEAD + blocks * BLOCK_HEADER + length);
        compressed.writerIndex(PREFIX);
        try (LZ4FrameOutputStream frame = new LZ4FrameOutputStream(new Into(compressed), BLOCK, length,
                LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE, LZ4FrameOutputStream.FLG.Bits.CONTENT_SIZE)) {
            frame.write(input, 0, length);
        } catch (IOException | RuntimeException e) {
            compressed.close();
            throw e instanceof IOException io ? new UncheckedIOException("LZ4 could not frame a buffer of " + length
                    + " bytes", io) : (RuntimeException) e;
        }
        return compressed;
    }

    @Override
    protected ArrowBuf doDecompress(BufferAllocator allocator, ArrowBuf compressed) {
        int length = arrayLength(uncompressedLength(compressed));
        byte[] frame = new byte[arrayLength(compressed.writerIndex() - PREFIX)];
        compressed.getBytes(PREFIX, frame);
        byte[] values;
        try (LZ4FrameInputStream in = new LZ4FrameInputStream(new ByteArrayInputStream(frame))) {
            values = in.readNBytes(length);
        } catch (IOException e) {
            throw new UncheckedIOException("an LZ4 frame does not decompress", e);
        }
        if (values.length != length) {
            throw new IllegalStateException("an LZ4 frame holds " + values.length + " bytes, its prefix says " + length);
        }
        ArrowBuf out = allocator.buffer(length);
        out.setBytes(0, values);
        out.writerIndex(length);
        return out;
    }

    @Override
    public CompressionUtil.CodecType getCodecType() {
        return CompressionUtil.CodecType.LZ4_FRAME;
    }

    private static int arrayLength(long bytes) {
        if (bytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a buffer of " + bytes + " bytes is too large for LZ4_FRAME compression, "
                    + "which goes through Java arrays (at most 2 GiB): use compression zstd, or smaller batches");
        }
        return (int) bytes;
    }

    /** Appends to an Arrow buffer allocated large enough, at its writer index. */
    private static final class Into extends OutputStream {
        private final ArrowBuf target;

        Into(ArrowBuf target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            target.writeByte(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            target.writeBytes(bytes, offset, length);
        }
    }
}
