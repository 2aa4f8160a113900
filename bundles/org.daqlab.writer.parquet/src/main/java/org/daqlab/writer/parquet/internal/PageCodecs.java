package org.daqlab.writer.parquet.internal;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import io.airlift.compress.snappy.SnappyCompressor;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The writer's own codec factory. parquet-java's {@code CodecFactory} builds every codec, even
 * UNCOMPRESSED, from Hadoop classes; these compressors use zstd-jni, lz4-java, aircompressor's
 * pure-Java Snappy and the JDK's Deflater directly, so no Hadoop class is ever loaded.
 *
 * <p>A compressor is used by one thread (a stream file's) and reuses its output buffer: parquet-java
 * copies the compressed page before it compresses the next one.
 */
final class PageCodecs implements CompressionCodecFactory {

    private final int level;

    /** @param level the level for codecs that have one, already validated ({@link ParquetCompression#level}) */
    PageCodecs(int level) {
        this.level = level;
    }

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED -> new Uncompressed();
            case SNAPPY -> new Snappy();
            case GZIP -> new Gzip(level);
            case ZSTD -> new ZstdPages(level);
            case LZ4_RAW -> new Lz4Raw();
            default -> throw new IllegalArgumentException("codec " + codec + " is not offered by the daqlab Parquet writer");
        };
    }

    /** The writer never reads pages back: it copies whole parts as bytes and spools raw Arrow data. */
    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        throw new UnsupportedOperationException("the daqlab Parquet writer does not decompress pages (" + codec + ")");
    }

    @Override
    public void release() {
        // compressors are released by their users
    }

    /** Base of the compressing codecs: a growing output buffer reused from page to page. */
    private abstract static class Buffered implements BytesInputCompressor {
        byte[] out = new byte[0];

        /** The output buffer, grown to at least {@code bound} bytes, keeping what it holds. */
        byte[] outputOf(int bound) {
            if (out.length < bound) {
                out = Arrays.copyOf(out, Math.max(bound, out.length + (out.length >> 1)));
            }
            return out;
        }

        @Override
        public void release() {
            out = new byte[0];
        }
    }

    private static final class Uncompressed implements BytesInputCompressor {
        @Override
        public BytesInput compress(BytesInput bytes) {
            return bytes;
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.UNCOMPRESSED;
        }

        @Override
        public void release() {
            // nothing held
        }
    }

    private static final class Snappy extends Buffered {
        private final SnappyCompressor snappy = new SnappyCompressor();

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            byte[] in = bytes.toByteArray();
            byte[] o = outputOf(snappy.maxCompressedLength(in.length));
            int n = snappy.compress(in, 0, in.length, o, 0, o.length);
            return BytesInput.from(o, 0, n);
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.SNAPPY;
        }
    }

    /** A gzip member (RFC 1952) around raw deflate, as Parquet's GZIP codec expects. */
    private static final class Gzip extends Buffered {
        private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
        private final Deflater deflater;
        private final CRC32 crc = new CRC32();

        Gzip(int level) {
            deflater = new Deflater(level, true);
        }

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            byte[] in = bytes.toByteArray();
            // deflate's worst case is 5 bytes per 16 KiB block beyond the input, plus header and trailer
            byte[] o = outputOf(in.length + (in.length >> 12) + 64);
            System.arraycopy(HEADER, 0, o, 0, HEADER.length);
            deflater.reset();
            deflater.setInput(in);
            deflater.finish();
            int n = HEADER.length;
            while (!deflater.finished()) {
                if (n == o.length) {
                    o = outputOf(o.length * 2);
                }
                n += deflater.deflate(o, n, o.length - n);
            }
            crc.reset();
            crc.update(in);
            o = outputOf(n + 8);
            putIntLE(o, n, (int) crc.getValue());
            putIntLE(o, n + 4, in.length);
            return BytesInput.from(o, 0, n + 8);
        }

        private static void putIntLE(byte[] b, int at, int v) {
            b[at] = (byte) v;
            b[at + 1] = (byte) (v >>> 8);
            b[at + 2] = (byte) (v >>> 16);
            b[at + 3] = (byte) (v >>> 24);
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.GZIP;
        }

        @Override
        public void release() {
            super.release();
            deflater.end();
        }
    }

    private static final class ZstdPages extends Buffered {
        private final ZstdCompressCtx ctx = new ZstdCompressCtx();

        ZstdPages(int level) {
            ctx.setLevel(level);
        }

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            byte[] in = bytes.toByteArray();
            byte[] o = outputOf(Math.toIntExact(Zstd.compressBound(in.length)));
            int n = ctx.compressByteArray(o, 0, o.length, in, 0, in.length);
            return BytesInput.from(o, 0, n);
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.ZSTD;
        }

        @Override
        public void release() {
            super.release();
            ctx.close();
        }
    }

    /** LZ4 block format, no frame: what Parquet calls LZ4_RAW. */
    private static final class Lz4Raw extends Buffered {
        private final LZ4Compressor lz4 = LZ4Factory.fastestInstance().fastCompressor();

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            byte[] in = bytes.toByteArray();
            byte[] o = outputOf(lz4.maxCompressedLength(in.length));
            int n = lz4.compress(in, 0, in.length, o, 0, o.length);
            return BytesInput.from(o, 0, n);
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.LZ4_RAW;
        }
    }
}
