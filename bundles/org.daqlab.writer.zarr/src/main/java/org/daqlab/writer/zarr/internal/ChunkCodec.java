package org.daqlab.writer.zarr.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Deflater;

/**
 * Turns a chunk's raw little-endian values into the bytes stored: compressed (zstd or gzip), then,
 * if asked, followed by the CRC-32C of those bytes (v3's {@code crc32c} codec). Thread-safe: each
 * worker thread keeps its own zstd context and Deflater, as creating one per chunk costs more than
 * compressing a small chunk. Also describes itself as Zarr metadata (v3 codecs, v2 compressor).
 */
final class ChunkCodec {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** gzip member header: magic, deflate, no flags, no time, no extra flags, unknown OS (RFC 1952). */
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    private static final int GZIP_TRAILER = 8;
    private static final int CHECKSUM = 4;

    final ZarrCompression compression;
    final int level;
    final boolean crc32c;
    private final ThreadLocal<ZstdCompressCtx> zstd;
    private final ThreadLocal<Deflater> deflater;

    ChunkCodec(ZarrCompression compression, int level, boolean crc32c) {
        this.compression = compression;
        this.level = level;
        this.crc32c = crc32c;
        // contentSize: numcodecs' Zstd (zarr-python 2) decodes only frames that state their size
        this.zstd = ThreadLocal.withInitial(() -> new ZstdCompressCtx().setLevel(level).setContentSize(true));
        this.deflater = ThreadLocal.withInitial(() -> new Deflater(level, true));
    }

    /**
     * The stored bytes of {@code raw[0, length)}. Without compression and checksum they are {@code raw}
     * itself (no copy): the caller must not change it until they are written.
     */
    ByteBuffer encode(byte[] raw, int length) {
        return switch (compression) {
            case NONE -> crc32c ? withChecksum(Arrays.copyOf(raw, length + CHECKSUM), length) : ByteBuffer.wrap(raw, 0, length);
            case ZSTD -> zstd(raw, length);
            case GZIP -> gzip(raw, length);
        };
    }

    private ByteBuffer zstd(byte[] raw, int length) {
        byte[] out = new byte[Math.toIntExact(Zstd.compressBound(length)) + CHECKSUM];
        int written = zstd.get().compressByteArray(out, 0, out.length - CHECKSUM, raw, 0, length);
        return withChecksum(out, written);
    }

    private ByteBuffer gzip(byte[] raw, int length) {
        Deflater d = deflater.get();
        d.reset();
        d.setInput(raw, 0, length);
        d.finish();
        // deflate's worst case (stored blocks) adds 5 bytes per 16 KiB block
        byte[] out = new byte[GZIP_HEADER.length + length + 5 * (length / 16_384 + 1) + GZIP_TRAILER + CHECKSUM];
        System.arraycopy(GZIP_HEADER, 0, out, 0, GZIP_HEADER.length);
        int at = GZIP_HEADER.length;
        while (!d.finished()) {
            if (at == out.length - GZIP_TRAILER - CHECKSUM) {
                out = Arrays.copyOf(out, out.length * 2); // never with the bound above; a guard, not a path
            }
            at += d.deflate(out, at, out.length - GZIP_TRAILER - CHECKSUM - at);
        }
        CRC32 crc = new CRC32();
        crc.update(raw, 0, length);
        putIntLE(out, at, (int) crc.getValue());
        putIntLE(out, at + 4, length); // ISIZE: the length modulo 2^32
        return withChecksum(out, at + GZIP_TRAILER);
    }

    /** {@code bytes[0, length)}, followed by their CRC-32C if asked; {@code bytes} has room for it. */
    private ByteBuffer withChecksum(byte[] bytes, int length) {
        if (!crc32c) {
            return ByteBuffer.wrap(bytes, 0, length);
        }
        putIntLE(bytes, length, checksum(bytes, length));
        return ByteBuffer.wrap(bytes, 0, length + CHECKSUM);
    }

    /** The CRC-32C of {@code bytes[0, length)}. */
    static int checksum(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    static void putIntLE(byte[] bytes, int at, int value) {
        bytes[at] = (byte) value;
        bytes[at + 1] = (byte) (value >>> 8);
        bytes[at + 2] = (byte) (value >>> 16);
        bytes[at + 3] = (byte) (value >>> 24);
    }

    /** The v3 codec pipeline of a chunk: bytes (little endian), the compressor, crc32c. */
    ArrayNode v3Codecs() {
        ArrayNode codecs = JSON.arrayNode();
        codecs.add(bytesCodec());
        if (compression == ZarrCompression.ZSTD) {
            codecs.add(codec(compression.option(), JSON.objectNode().put("level", level).put("checksum", false)));
        } else if (compression == ZarrCompression.GZIP) {
            codecs.add(codec(compression.option(), JSON.objectNode().put("level", level)));
        }
        if (crc32c) {
            codecs.add(JSON.objectNode().put("name", "crc32c"));
        }
        return codecs;
    }

    /** The v3 codec pipeline of a shard index: bytes (little endian), crc32c if chunks have it. */
    ArrayNode v3IndexCodecs() {
        ArrayNode codecs = JSON.arrayNode().add(bytesCodec());
        if (crc32c) {
            codecs.add(JSON.objectNode().put("name", "crc32c"));
        }
        return codecs;
    }

    /** The v2 {@code compressor}: numcodecs' {@code zstd} or {@code gzip} with the level, or null. */
    ObjectNode v2Compressor() {
        return compression == ZarrCompression.NONE ? null
                : JSON.objectNode().put("id", compression.option()).put("level", level);
    }

    private static ObjectNode bytesCodec() {
        return codec("bytes", JSON.objectNode().put("endian", "little"));
    }

    static ObjectNode codec(String name, ObjectNode configuration) {
        ObjectNode codec = JSON.objectNode().put("name", name);
        codec.set("configuration", configuration);
        return codec;
    }
}
