package org.daqlab.writer.arrow.internal;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.CompressionUtil;

/**
 * Arrow IPC body compression {@code ZSTD} with zstd-jni: one ZSTD frame per buffer, compressed
 * from and into Arrow's off-heap memory without copies. The compression context is kept for the
 * file's life, because creating one per buffer costs more than compressing a small buffer.
 */
final class ZstdCodec extends BodyCodec {

    private final int level;
    /** Created at the first buffer, so that a file without data holds no native memory. */
    private ZstdCompressCtx context;

    ZstdCodec(int level) {
        this.level = level;
    }

    @Override
    protected ArrowBuf doCompress(BufferAllocator allocator, ArrowBuf uncompressed) {
        long length = uncompressed.writerIndex();
        long bound = Zstd.compressBound(length);
        ArrowBuf compressed = allocator.buffer(PREFIX + bound);
        try {
            long written;
            if (bound <= Integer.MAX_VALUE) {
                written = context().compressDirectByteBuffer(compressed.nioBuffer(PREFIX, (int) bound), 0, (int) bound,
                        uncompressed.nioBuffer(0, (int) length), 0, (int) length);
            } else {
                // a buffer of 2 GiB or more (a huge batch of frames): ByteBuffers cannot hold it, addresses can
                written = Zstd.compressUnsafe(compressed.memoryAddress() + PREFIX, bound, uncompressed.memoryAddress(),
                        length, level);
                if (Zstd.isError(written)) {
                    throw new IllegalStateException("ZSTD could not compress a buffer of " + length + " bytes: "
                            + Zstd.getErrorName(written));
                }
            }
            compressed.writerIndex(PREFIX + written);
            return compressed;
        } catch (RuntimeException e) {
            compressed.close();
            throw e;
        }
    }

    @Override
    protected ArrowBuf doDecompress(BufferAllocator allocator, ArrowBuf compressed) {
        long length = uncompressedLength(compressed);
        ArrowBuf out = allocator.buffer(length);
        long read = Zstd.decompressUnsafe(out.memoryAddress(), length, compressed.memoryAddress() + PREFIX,
                compressed.writerIndex() - PREFIX);
        if (Zstd.isError(read) || read != length) {
            out.close();
            throw new IllegalStateException("a ZSTD buffer does not decompress to its " + length + " bytes: "
                    + (Zstd.isError(read) ? Zstd.getErrorName(read) : read + " bytes"));
        }
        out.writerIndex(length);
        return out;
    }

    @Override
    public CompressionUtil.CodecType getCodecType() {
        return CompressionUtil.CodecType.ZSTD;
    }

    private ZstdCompressCtx context() {
        if (context == null) {
            context = new ZstdCompressCtx().setLevel(level);
        }
        return context;
    }

    @Override
    public void close() {
        if (context != null) {
            context.close();
            context = null;
        }
    }
}
