package org.daqlab.writer.tiff.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.Deflater;

/**
 * Compresses the pages of one stack: the horizontal predictor (TIFF predictor 2, integer pixels),
 * then each strip of {@link #rowsPerStrip} rows deflated on its own (zlib stream, TIFF compression 8,
 * "Adobe Deflate"). Runs on the writer's worker threads, each with its own {@link Deflater}; the
 * frame copies and output buffers are recycled, so a steady stream allocates nothing per page.
 */
final class PageEncoder {

    /** Strips of about this many bytes: large enough to compress well, small enough for readers to seek. */
    static final int STRIP_BYTES = 64 << 10;

    private static final VarHandle SHORTS = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final boolean predictor;
    private final int sampleBytes;
    private final int width;
    private final int height;
    private final int rowBytes;
    private final int frameBytes;
    private final int rowsPerStrip;
    private final int strips;
    private final int bound;
    private final ThreadLocal<Deflater> deflaters;
    private final ConcurrentLinkedQueue<byte[]> frames = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<byte[]> outputs = new ConcurrentLinkedQueue<>();

    /**
     * @param deflaters one deflater per worker thread, at the writer's level (shared by the writer's stacks)
     * @param predictor whether to apply the horizontal predictor (the caller checked the pixels are integers)
     */
    PageEncoder(ThreadLocal<Deflater> deflaters, boolean predictor, PixelType type, int height, int width) {
        this.deflaters = deflaters;
        this.predictor = predictor;
        this.sampleBytes = type.bytes();
        this.width = width;
        this.height = height;
        this.rowBytes = width * sampleBytes;
        this.frameBytes = Math.multiplyExact(rowBytes, height);
        this.rowsPerStrip = Math.max(1, Math.min(height, STRIP_BYTES / rowBytes));
        this.strips = (height + rowsPerStrip - 1) / rowsPerStrip;
        long total = 0;
        for (int s = 0; s < strips; s++) {
            total += compressBound(stripBytes(s));
        }
        this.bound = Math.toIntExact(total);
    }

    int rowsPerStrip() {
        return rowsPerStrip;
    }

    /** The most bytes a compressed page can take. */
    int bound() {
        return bound;
    }

    /** A buffer for one frame's pixels, to fill and hand to {@link #encode}. */
    byte[] frameBuffer() {
        byte[] b = frames.poll();
        return b != null ? b : new byte[frameBytes];
    }

    /**
     * Encodes a frame (on a worker thread); {@code frame} is recycled.
     *
     * @return the strips, one after the other
     */
    Encoded encode(byte[] frame) {
        if (predictor) {
            differences(frame);
        }
        byte[] out = outputs.poll();
        if (out == null) {
            out = new byte[bound];
        }
        Deflater deflater = deflaters.get();
        int[] lengths = new int[strips];
        int at = 0;
        for (int s = 0; s < strips; s++) {
            deflater.reset();
            deflater.setInput(frame, s * rowsPerStrip * rowBytes, stripBytes(s));
            deflater.finish();
            int start = at;
            while (!deflater.finished()) {
                if (at == out.length) {
                    throw new IllegalStateException("deflate output exceeds zlib's bound of " + bound + " bytes");
                }
                at += deflater.deflate(out, at, out.length - at);
            }
            lengths[s] = at - start;
        }
        frames.add(frame);
        return new Encoded(out, at, lengths);
    }

    /** Takes back an output buffer once its page is in the file. */
    void recycle(Encoded encoded) {
        outputs.add(encoded.bytes());
    }

    private int stripBytes(int strip) {
        return Math.min(rowsPerStrip, height - strip * rowsPerStrip) * rowBytes;
    }

    /** Predictor 2: each sample minus its left neighbour, row by row, right to left so that it works in place. */
    private void differences(byte[] frame) {
        for (int row = 0; row < height; row++) {
            int start = row * rowBytes;
            switch (sampleBytes) {
                case 1 -> {
                    for (int x = start + rowBytes - 1; x > start; x--) {
                        frame[x] -= frame[x - 1];
                    }
                }
                case 2 -> {
                    for (int x = start + rowBytes - 2; x > start; x -= 2) {
                        SHORTS.set(frame, x, (short) ((short) SHORTS.get(frame, x) - (short) SHORTS.get(frame, x - 2)));
                    }
                }
                case 4 -> {
                    for (int x = start + rowBytes - 4; x > start; x -= 4) {
                        INTS.set(frame, x, (int) INTS.get(frame, x) - (int) INTS.get(frame, x - 4));
                    }
                }
                default -> {
                    for (int x = start + rowBytes - 8; x > start; x -= 8) {
                        LONGS.set(frame, x, (long) LONGS.get(frame, x) - (long) LONGS.get(frame, x - 8));
                    }
                }
            }
        }
    }

    /** zlib's compressBound: the most a deflate (zlib) stream of {@code n} bytes can take. */
    static long compressBound(long n) {
        return n + (n >> 12) + (n >> 14) + (n >> 25) + 13;
    }

    /**
     * A compressed page.
     *
     * @param bytes   the strips, from 0, in a recycled buffer
     * @param length  their total length
     * @param strips  each strip's length
     */
    record Encoded(byte[] bytes, int length, int[] strips) {
    }
}
