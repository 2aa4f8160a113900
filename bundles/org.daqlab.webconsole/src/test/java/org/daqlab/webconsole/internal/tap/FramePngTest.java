package org.daqlab.webconsole.internal.tap;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FramePngTest {

    @Test
    void sixteenBitPixelsAreStretchedFromTheDarkestToTheBrightestOnto8Bits() throws Exception {
        // 2 x 2, little-endian uint16: 1000, 1500, 2000, 3000
        byte[] pixels = {(byte) 0xe8, 0x03, (byte) 0xdc, 0x05, (byte) 0xd0, 0x07, (byte) 0xb8, 0x0b};
        BufferedImage image = decode(FramePng.render(new Frame("cam", "frame", 2, 2, 16, pixels, 7, 0)));

        assertEquals(2, image.getWidth());
        assertEquals(2, image.getHeight());
        assertEquals(0, grey(image, 0, 0));
        assertEquals(Math.round(500 * 255.0 / 2000), grey(image, 1, 0));
        assertEquals(Math.round(1000 * 255.0 / 2000), grey(image, 0, 1));
        assertEquals(255, grey(image, 1, 1));
    }

    @Test
    void eightBitPixelsKeepTheirPlaceAndAUniformFrameIsBlack() throws Exception {
        BufferedImage image = decode(FramePng.render(new Frame("cam", "frame", 1, 3, 8, new byte[] {10, 20, 30}, 1, 0)));
        assertEquals(0, grey(image, 0, 0));
        assertEquals(128, grey(image, 1, 0));
        assertEquals(255, grey(image, 2, 0));

        BufferedImage flat = decode(FramePng.render(new Frame("cam", "frame", 1, 2, 8, new byte[] {9, 9}, 1, 0)));
        assertEquals(0, grey(flat, 1, 0));
    }

    @Test
    void largeFramesShrinkByAWholeFactorToAtMost1024PixelsASide() throws Exception {
        int width = 2500;
        int height = 10;
        byte[] pixels = new byte[width * height];
        pixels[width] = (byte) 255;      // row 1 is not sampled (step 3): its bright pixel must not set the scale
        pixels[3 * width] = (byte) 250;  // row 3 is: the brightest sampled pixel
        pixels[3] = (byte) 125;          // column 3 of row 0 is sampled as column 1
        pixels[4] = (byte) 200;          // column 4 is not
        BufferedImage image = decode(FramePng.render(new Frame("cam", "frame", height, width, 8, pixels, 1, 0)));

        assertEquals(834, image.getWidth()); // ceil(2500 / 3)
        assertEquals(4, image.getHeight());  // ceil(10 / 3)
        assertEquals(255, grey(image, 0, 1));
        assertEquals(128, grey(image, 1, 0));
        assertEquals(0, grey(image, 2, 0));
    }

    private static BufferedImage decode(byte[] png) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    private static int grey(BufferedImage image, int x, int y) {
        return image.getRaster().getSample(x, y, 0);
    }
}
