package org.daqlab.writer.zarr.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Deflater;

/**
 * Turns a chunk's raw little-endian values into the bytes stored: compressed (zstd or gzip), then,
 * if asked, followed by the CRC-32C of those bytes (v3's {@code crc32c} codec). Thread-safe: each
 * worker thread keeps its own zstd context, Deflater and output buffer, as creating them per chunk
 * costs more than compressing a small chunk. Also describes itself as Zarr metadata (v3 codecs, v2
 * compressor).
 */
final class ChunkCodec {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** gzip member header: magic, deflate, no flags, no time, no extra flags, unknown OS (RFC 1952). */
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    private static final int GZIP_TRAILER = 8;
    /** Room a raw chunk buffer keeps after its values, for an uncompressed chunk's checksum. */
    static final int CHECKSUM = 4;

    final ZarrCompression compression;
    final int level;
    final boolean crc32c;
    private final ThreadLocal<Worker> workers;

    /** One thread's codec state. */
    private final class Worker {
        ZstdCompressCtx zstd;
        Deflater deflater;
        ByteBuffer out = ByteBuffer.allocateDirect(0);

        ByteBuffer out(int capacity) {
            if (out.capacity() < capacity) {
                out = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
            }
            return out.clear();
        }
    }

    ChunkCodec(ZarrCompression compression, int level, boolean crc32c) {
        this.compression = compression;
        this.level = level;
        this.crc32c = crc32c;
        this.workers = ThreadLocal.withInitial(Worker::new);
    }

    /**
     * The stored bytes of the direct buffer {@code raw[0, length)}, whose capacity has
     * {@value #CHECKSUM} bytes to spare. Without compression they are {@code raw} itself (the
     * checksum appended); else a buffer of this thread's, valid until it encodes again.
     */
    ByteBuffer encode(ByteBuffer raw, int length) {
        ByteBuffer values = raw.duplicate().position(0).limit(length);
        return switch (compression) {
            case NONE -> withChecksum(raw.duplicate().clear(), length);
            case ZSTD -> zstd(values, length);
            case GZIP -> gzip(values, length);
        };
    }

    /** {@link #encode}, as a heap copy the caller keeps (a shard keeps its chunks until it is written). */
    ByteBuffer encodeToKeep(ByteBuffer raw, int length) {
        ByteBuffer encoded = encode(raw, length);
        return ByteBuffer.allocate(encoded.remaining()).put(encoded).flip();
    }

    private ByteBuffer zstd(ByteBuffer values, int length) {
        Worker w = workers.get();
        if (w.zstd == null) {
            // contentSize: numcodecs' Zstd (zarr-python 2) decodes only frames that state their size
            w.zstd = new ZstdCompressCtx().setLevel(level).setContentSize(true);
        }
        int bound = Math.toIntExact(Zstd.compressBound(length));
        ByteBuffer out = w.out(bound + CHECKSUM);
        int written = w.zstd.compressDirectByteBuffer(out, 0, bound, values, 0, length);
        return withChecksum(out, written);
    }

    private ByteBuffer gzip(ByteBuffer values, int length) {
        Worker w = workers.get();
        if (w.deflater == null) {
            w.deflater = new Deflater(level, true);
        }
        Deflater deflater = w.deflater;
        deflater.reset();
        deflater.setInput(values.duplicate());
        deflater.finish();
        // zlib's deflateBound(): what incompressible input can grow to, with some room to spare
        int bound = length + (length >>> 12) + (length >>> 14) + (length >>> 25) + 64;
        ByteBuffer out = w.out(GZIP_HEADER.length + bound + GZIP_TRAILER + CHECKSUM);
        out.put(GZIP_HEADER).limit(out.capacity() - GZIP_TRAILER - CHECKSUM);
        while (!deflater.finished()) {
            if (deflater.deflate(out) == 0 && !out.hasRemaining()) {
                throw new IllegalStateException("deflate exceeded its bound on a chunk of " + length + " bytes");
            }
        }
        CRC32 crc = new CRC32();
        crc.update(values.duplicate());
        out.limit(out.capacity()).putInt((int) crc.getValue()).putInt(length); // ISIZE: the length modulo 2^32
        return withChecksum(out, out.position());
    }

    /** {@code bytes[0, length)}, followed by their CRC-32C if asked; {@code bytes} has room for it. */
    private ByteBuffer withChecksum(ByteBuffer bytes, int length) {
        ByteBuffer stored = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(0).limit(length);
        if (!crc32c) {
            return stored;
        }
        stored.limit(length + CHECKSUM).putInt(length, checksum(stored.duplicate().limit(length)));
        return stored;
    }

    /** The CRC-32C of the remaining bytes of {@code bytes}. */
    static int checksum(ByteBuffer bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate());
        return (int) crc.getValue();
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
