package org.daqlab.writer.tiff.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The first page's ImageDescription in ImageJ's hyperstack form, e.g.
 * {@code ImageJ=1.11a\nimages=120\nframes=120\nunit=micron\nfinterval=0.01\nloop=false\n}: ImageJ
 * and Fiji open the pages as a time series with their calibration, and tifffile's
 * {@code imagej_metadata} reads it. The page count changes as pages are added, so the value has a
 * fixed length in the file: the text is followed by spaces up to room for 12-digit counts, and is
 * rewritten in place (ImageJ, Java's {@code Properties} and tifffile ignore the blank tail).
 */
final class ImageJDescription {

    /** The ImageJ description format version tifffile writes too. */
    static final String HEADER = "ImageJ=1.11a";
    /** Room for this many pages: the count never outgrows the value's fixed length. */
    private static final long ROOM = 999_999_999_999L;

    private final List<String> calibration;
    private final int length;

    /**
     * @param unit      the spatial unit of XResolution/YResolution ({@code micron}), or null
     * @param finterval seconds between frames, or 0 if unknown
     */
    ImageJDescription(String unit, double finterval) {
        List<String> lines = new ArrayList<>();
        if (unit != null) {
            lines.add("unit=" + unit);
        }
        if (finterval > 0) {
            lines.add("finterval=" + finterval);
        }
        lines.add("loop=false");
        this.calibration = List.copyOf(lines);
        this.length = text(ROOM).length + 1;
    }

    /** Bytes of the ASCII value in the file, NUL included: the same for every count. */
    int length() {
        return length;
    }

    /** The value for {@code pages} pages: the text, spaces up to the fixed length, NUL. */
    byte[] value(long pages) {
        if (pages > ROOM) {
            throw new IllegalStateException(pages + " pages do not fit the ImageJ description");
        }
        byte[] text = text(pages);
        byte[] value = new byte[length];
        System.arraycopy(text, 0, value, 0, text.length);
        java.util.Arrays.fill(value, text.length, length - 1, (byte) ' ');
        return value;
    }

    private byte[] text(long pages) {
        StringBuilder text = new StringBuilder(HEADER).append('\n')
                .append("images=").append(pages).append('\n')
                .append("frames=").append(pages).append('\n');
        calibration.forEach(line -> text.append(line).append('\n'));
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * {@code value} (an ImageJ description as read from a file, NUL included) with {@code images}
     * and {@code frames} set to {@code pages}, at the same length; {@code null} if it is not an ImageJ
     * description with an {@code images} line or the new text does not fit.
     */
    static byte[] withPages(byte[] value, long pages) {
        String text = new String(value, StandardCharsets.ISO_8859_1);
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            text = text.substring(0, nul);
        }
        if (!text.startsWith(HEADER.substring(0, 7)) || !text.contains("\nimages=")) {
            return null;
        }
        StringBuilder updated = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.isBlank()) {
                continue; // the padding: added again below
            }
            if (line.startsWith("images=")) {
                line = "images=" + pages;
            } else if (line.startsWith("frames=")) {
                line = "frames=" + pages;
            }
            updated.append(line).append('\n');
        }
        byte[] bytes = updated.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (bytes.length + 1 > value.length) {
            return null;
        }
        byte[] result = new byte[value.length];
        System.arraycopy(bytes, 0, result, 0, bytes.length);
        java.util.Arrays.fill(result, bytes.length, value.length - 1, (byte) ' ');
        return result;
    }
}
