package org.daqlab.webconsole.internal.tap;

/**
 * The latest frame of a stream, copied out of the ring.
 *
 * @param stream       stream name
 * @param column       frame column
 * @param height       rows
 * @param width        pixels per row
 * @param bitDepth     8 or 16
 * @param pixels       row-major unsigned pixels, little-endian for 16 bits
 * @param frameNumber  the stream's {@code frame_number} of the frame, -1 if it has none
 * @param timestampNs  the frame's timestamp
 */
public record Frame(String stream, String column, int height, int width, int bitDepth, byte[] pixels,
        long frameNumber, long timestampNs) {
}
