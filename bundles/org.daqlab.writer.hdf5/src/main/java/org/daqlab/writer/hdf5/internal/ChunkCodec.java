package org.daqlab.writer.hdf5.internal;

import io.jhdf.object.message.FilterPipelineMessage.FilterInfo;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;

/**
 * The filter pipeline of a dataset's chunks: optional byte shuffle, then deflate or LZ4, exactly as
 * libhdf5 encodes them (so libhdf5 and h5py decode them), plus the filter pipeline message entries
 * that describe it. Thread-safe: chunks are encoded on a worker pool.
 *
 * @param compression the compressor
 * @param level       deflate level 0–9 (ignored otherwise)
 * @param shuffle     whether bytes are shuffled by significance first (HDF5 filter 2)
 */
record ChunkCodec(Compression compression, int level, boolean shuffle) {

    static final int SHUFFLE_FILTER = 2;
    static final int DEFLATE_FILTER = 1;
    static final int LZ4_FILTER = 32004;
    /** HDF5's LZ4 filter splits a chunk into blocks of at most this many bytes (its default: 1 GiB). */
    private static final int LZ4_BLOCK = 1 << 30;

    private static final ThreadLocal<Deflater[]> DEFLATERS = ThreadLocal.withInitial(() -> new Deflater[10]);
    private static final LZ4Compressor LZ4 = LZ4Factory.fastestInstance().fastCompressor();

    ChunkCodec {
        if (level < 0 || level > 9) {
            throw new IllegalArgumentException("compression_level = " + level + " is out of range: use 0 (fastest) to 9 (smallest)");
        }
    }

    /** Whether chunks go through any filter (the chunk index then records each chunk's stored size). */
    boolean filtered() {
        return compression != Compression.NONE || shuffle;
    }

    /** The filter pipeline message entries, in encoding order, for elements of {@code elementSize} bytes. */
    List<FilterInfo> filters(int elementSize) {
        List<FilterInfo> filters = new ArrayList<>(2);
        if (shuffle && elementSize > 1) {
            filters.add(new FilterInfo(SHUFFLE_FILTER, "shuffle", false, new int[] {elementSize}));
        }
        switch (compression) {
            case DEFLATE -> filters.add(new FilterInfo(DEFLATE_FILTER, "deflate", false, new int[] {level}));
            case LZ4 -> filters.add(new FilterInfo(LZ4_FILTER, "lz4", false, new int[] {LZ4_BLOCK}));
            case NONE -> { }
        }
        return filters;
    }

    /**
     * Encodes one chunk.
     *
     * @param chunk       the chunk's bytes, exactly one chunk long; may be modified
     * @param elementSize bytes per element (the shuffle's unit)
     * @return the bytes to store: {@code chunk} itself when nothing applies
     */
    byte[] encode(byte[] chunk, int elementSize) {
        byte[] data = shuffle && elementSize > 1 ? shuffle(chunk, elementSize) : chunk;
        return switch (compression) {
            case NONE -> data;
            case DEFLATE -> deflate(data);
            case LZ4 -> lz4(data);
        };
    }

    /** Byte shuffle: all first bytes of the elements, then all second bytes, …; a trailing partial element is kept as is. */
    static byte[] shuffle(byte[] in, int elementSize) {
        byte[] out = new byte[in.length];
        int elements = in.length / elementSize;
        for (int b = 0; b < elementSize; b++) {
            int base = b * elements;
            for (int e = 0, src = b; e < elements; e++, src += elementSize) {
                out[base + e] = in[src];
            }
        }
        int tail = elements * elementSize;
        System.arraycopy(in, tail, out, tail, in.length - tail);
        return out;
    }

    private byte[] deflate(byte[] data) {
        Deflater deflater = DEFLATERS.get()[level];
        if (deflater == null) {
            deflater = new Deflater(level);
            DEFLATERS.get()[level] = deflater;
        }
        deflater.reset();
        deflater.setInput(data);
        deflater.finish();
        byte[] out = new byte[data.length + data.length / 1000 + 64];
        int length = 0;
        while (!deflater.finished()) {
            if (length == out.length) {
                out = java.util.Arrays.copyOf(out, out.length * 2);
            }
            length += deflater.deflate(out, length, out.length - length);
        }
        return java.util.Arrays.copyOf(out, length);
    }

    /**
     * The HDF5 LZ4 filter's format: the uncompressed size (8 bytes, big endian), the block size
     * (4 bytes), then per block its stored size (4 bytes) and its bytes — LZ4 compressed, or raw when
     * compression would not make it smaller.
     */
    private static byte[] lz4(byte[] data) {
        int blocks = Math.max(1, (data.length + LZ4_BLOCK - 1) / LZ4_BLOCK);
        ByteBuffer out = ByteBuffer.allocate(12 + blocks * 4 + LZ4.maxCompressedLength(data.length) + blocks * 16);
        out.putLong(data.length).putInt(LZ4_BLOCK);
        for (int offset = 0; offset < data.length || offset == 0 && data.length == 0; offset += LZ4_BLOCK) {
            int length = Math.min(LZ4_BLOCK, data.length - offset);
            int sizeAt = out.position();
            out.putInt(0);
            int compressed = LZ4.compress(data, offset, length, out.array(), out.position(), out.remaining());
            if (compressed >= length) {
                out.put(data, offset, length);
                compressed = length;
            } else {
                out.position(out.position() + compressed);
            }
            out.putInt(sizeAt, compressed);
            if (data.length == 0) {
                break;
            }
        }
        return java.util.Arrays.copyOf(out.array(), out.position());
    }
}
