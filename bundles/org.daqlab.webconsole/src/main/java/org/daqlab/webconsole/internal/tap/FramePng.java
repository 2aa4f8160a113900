package org.daqlab.webconsole.internal.tap;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * A frame as a PNG for the browser: 8-bit grey, stretched from the frame's darkest to its brightest pixel (a 16-bit
 * sensor rarely fills its range, and a plain shift to 8 bits would show it black), and shrunk by a whole factor to at
 * most {@value #MAX_SIDE} pixels a side so that a 4k camera does not flood the page.
 */
public final class FramePng {

    static final int MAX_SIDE = 1024;

    private FramePng() {
    }

    /** The PNG bytes of a frame. */
    public static byte[] render(Frame frame) throws IOException {
        int step = Math.max(1, (Math.max(frame.width(), frame.height()) + MAX_SIDE - 1) / MAX_SIDE);
        int width = (frame.width() + step - 1) / step;
        int height = (frame.height() + step - 1) / step;
        int[] samples = new int[width * height];
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        byte[] p = frame.pixels();
        boolean wide = frame.bitDepth() > 8;
        for (int y = 0, i = 0; y < height; y++) {
            for (int x = 0; x < width; x++, i++) {
                int pixel = (y * step) * frame.width() + x * step;
                int v = wide ? (p[2 * pixel] & 0xff) | (p[2 * pixel + 1] & 0xff) << 8 : p[pixel] & 0xff;
                samples[i] = v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        byte[] grey = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        double scale = max > min ? 255.0 / (max - min) : 0;
        for (int i = 0; i < samples.length; i++) {
            grey[i] = (byte) Math.round((samples[i] - min) * scale);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(width * height / 2 + 1024);
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("this Java runtime has no PNG writer");
        }
        return out.toByteArray();
    }
}
