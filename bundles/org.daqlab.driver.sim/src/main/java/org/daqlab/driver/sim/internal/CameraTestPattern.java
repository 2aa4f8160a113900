package org.daqlab.driver.sim.internal;

import org.apache.arrow.memory.ArrowBuf;

/**
 * The simulated camera's test image: frame {@code n} is a diagonal ramp that shifts by one grey level
 * per frame, with the frame number burnt into its first bytes, so loss, duplication and reordering are
 * detectable from the pixels alone.
 *
 * <ul>
 * <li>Pixel {@code (y, x)}, at linear index {@code k = x + y · width}, holds
 *     {@code (n + k) mod 2^bitDepth}.</li>
 * <li>Except the first 8 bytes of the frame (pixels 0–7 at 8 bits, 0–3 at 16 bits): they hold
 *     {@code n} as a little-endian int64, the byte order of Arrow buffers. Read it back with
 *     {@link #frameNumber(ArrowBuf, long)}; in terms of pixels, pixel {@code k} of the burnt-in area is
 *     {@code (n >>> (bitDepth · k)) mod 2^bitDepth}.</li>
 * </ul>
 * Pixels are unsigned, row-major, {@code bitDepth / 8} bytes each, little-endian.
 */
public final class CameraTestPattern {

    /** Bytes at the start of every frame that hold its frame number. */
    public static final int BURNT_IN_BYTES = Long.BYTES;

    private final int width;
    private final int height;
    private final int bitDepth;
    private final int bytesPerPixel;
    private final int greyLevels;
    /**
     * Two periods of the ramp, values {@code 0 .. 2^bitDepth - 1} twice, as pixel bytes: any run of
     * up to one period starting at any grey level is a contiguous slice, so a frame is written with
     * a few block copies instead of pixel by pixel.
     */
    private final byte[] ramp;

    /**
     * @param width    pixels per row; at 8 bits at least 8, so the frame number fits in a frame
     * @param height   rows
     * @param bitDepth 8 or 16
     */
    public CameraTestPattern(int width, int height, int bitDepth) {
        if (bitDepth != 8 && bitDepth != 16) {
            throw new IllegalArgumentException("bit depth " + bitDepth + " is not supported: use 8 or 16");
        }
        this.width = width;
        this.height = height;
        this.bitDepth = bitDepth;
        this.bytesPerPixel = bitDepth / 8;
        this.greyLevels = 1 << bitDepth;
        if ((long) width * height * bytesPerPixel < BURNT_IN_BYTES) {
            throw new IllegalArgumentException("a " + width + " × " + height + " frame at " + bitDepth
                    + " bits is smaller than the " + BURNT_IN_BYTES + " bytes of its burnt-in frame number");
        }
        this.ramp = new byte[2 * greyLevels * bytesPerPixel];
        for (int i = 0; i < 2 * greyLevels; i++) {
            writeLittleEndian(ramp, i * bytesPerPixel, i % greyLevels, bytesPerPixel);
        }
    }

    /** Bytes of one frame. */
    public long bytesPerFrame() {
        return (long) width * height * bytesPerPixel;
    }

    /** Value of pixel {@code (y, x)} of frame {@code frameNumber}, burnt-in frame number included. */
    public int pixel(long frameNumber, int y, int x) {
        int k = x + y * width;
        int mask = greyLevels - 1;
        if (k < BURNT_IN_BYTES / bytesPerPixel) {
            return (int) (frameNumber >>> (bitDepth * k)) & mask;
        }
        return (int) ((frameNumber + k) & mask);
    }

    /** Writes frame {@code frameNumber} into {@code pixels} starting at byte {@code offset}. */
    public void write(ArrowBuf pixels, long offset, long frameNumber) {
        long pixelCount = (long) width * height;
        for (long k = 0; k < pixelCount; k += greyLevels) {
            int firstLevel = (int) ((frameNumber + k) & (greyLevels - 1));
            long run = Math.min(greyLevels, pixelCount - k);
            pixels.setBytes(offset + k * bytesPerPixel, ramp, firstLevel * bytesPerPixel, run * bytesPerPixel);
        }
        for (int b = 0; b < BURNT_IN_BYTES; b++) {
            pixels.setByte(offset + b, (byte) (frameNumber >>> (8 * b)));
        }
    }

    /** The frame number burnt into the frame that starts at byte {@code offset} of {@code pixels}. */
    public static long frameNumber(ArrowBuf pixels, long offset) {
        long frameNumber = 0;
        for (int b = 0; b < BURNT_IN_BYTES; b++) {
            frameNumber |= (pixels.getByte(offset + b) & 0xFFL) << (8 * b);
        }
        return frameNumber;
    }

    private static void writeLittleEndian(byte[] target, int offset, int value, int bytes) {
        for (int b = 0; b < bytes; b++) {
            target[offset + b] = (byte) (value >>> (8 * b));
        }
    }
}
