package org.daqlab.writer.arrow.internal;

import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.CompressionUtil;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Arrow IPC body compression {@code LZ4_FRAME} with lz4-java's {@link LZ4FrameOutputStream}: one
 * standard LZ4 frame (magic {@code 04 22 4D 18}, independent blocks, the content size in the header)
 * per buffer, as the specification asks. lz4-java frames only byte arrays, so each buffer is copied
 * to and from the heap; the arrays are reused between buffers. (Arrow's own arrow-compression LZ4
 * codec is not used: it ran at 0.1 MB/s here.)
 */
final class Lz4FrameCodec extends BodyCodec {

    /**
     * 64 KiB blocks: LZ4 finds matches at most 64 KiB back anyway, and the frame stream allocates two
     * arrays of the block size per buffer (with 4 MiB blocks that made LZ4 slower than ZSTD).
     */
    private static final LZ4FrameOutputStream.BLOCKSIZE BLOCK = LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB;

    private byte[] input = new byte[0];
    private final Output output = new Output();

    @Override
    protected ArrowBuf doCompress(BufferAllocator allocator, ArrowBuf uncompressed) {
        int length = arrayLength(uncompressed.writerIndex());
        if (input.length < length) {
            input = new byte[length];
        }
        uncompressed.getBytes(0, input, 0, length);
        output.reset();
        try (LZ4FrameOutputStream frame = new LZ4FrameOutputStream(output, BLOCK, length,
                LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE, LZ4FrameOutputStream.FLG.Bits.CONTENT_SIZE)) {
            frame.write(input, 0, length);
        } catch (IOException e) {
            throw new UncheckedIOException("LZ4 could not frame a buffer of " + length + " bytes", e);
        }
        ArrowBuf compressed = allocator.buffer(PREFIX + (long) output.size());
        compressed.setBytes(PREFIX, output.array(), 0, output.size());
        compressed.writerIndex(PREFIX + (long) output.size());
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

    /** A ByteArrayOutputStream whose array can be read without a copy. */
    private static final class Output extends ByteArrayOutputStream {
        byte[] array() {
            return buf;
        }
    }
}
