package org.daqlab.driver.sim.internal;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CameraTestPatternTest {

    private final BufferAllocator allocator = new RootAllocator();

    @AfterEach
    void releasesAllMemory() {
        assertEquals(0, allocator.getAllocatedMemory());
        allocator.close();
    }

    @Test
    void pixelIsTheShiftedRampOutsideTheBurntInBytes() {
        CameraTestPattern eightBit = new CameraTestPattern(16, 4, 8);
        assertEquals((5 + 3 + 2 * 16) % 256, eightBit.pixel(5, 2, 3));
        assertEquals((300 + 15 + 3 * 16) % 256, eightBit.pixel(300, 3, 15));
        CameraTestPattern sixteenBit = new CameraTestPattern(300, 300, 16);
        assertEquals((70_000 + 10 + 299 * 300) % 65_536, sixteenBit.pixel(70_000, 299, 10));
    }

    @Test
    void burntInPixelsHoldTheFrameNumberLittleEndian() {
        long frameNumber = 0x0123_4567_89AB_CDEFL;
        CameraTestPattern eightBit = new CameraTestPattern(8, 1, 8);
        assertEquals(0xEF, eightBit.pixel(frameNumber, 0, 0));
        assertEquals(0x01, eightBit.pixel(frameNumber, 0, 7));
        CameraTestPattern sixteenBit = new CameraTestPattern(8, 1, 16);
        assertEquals(0xCDEF, sixteenBit.pixel(frameNumber, 0, 0));
        assertEquals(0x0123, sixteenBit.pixel(frameNumber, 0, 3));
        assertEquals((frameNumber + 4) & 0xFFFF, sixteenBit.pixel(frameNumber, 0, 4), "first pixel after the 8 bytes");
    }

    @Test
    void writtenFramesMatchPixelAndDecodeTheirNumber() {
        checkWrite(20, 30, 8, 1);              // 600 pixels: the 256-level ramp wraps twice per frame
        checkWrite(300, 250, 16, 65_530);      // wraps once, mid-frame
        checkWrite(8, 1, 16, Long.MAX_VALUE);  // the frame number uses all 8 bytes
    }

    private void checkWrite(int width, int height, int bitDepth, long frameNumber) {
        CameraTestPattern pattern = new CameraTestPattern(width, height, bitDepth);
        int bytesPerPixel = bitDepth / 8;
        long offset = 24; // a frame that does not start at byte 0, like the second frame of a batch
        try (ArrowBuf pixels = allocator.buffer(offset + pattern.bytesPerFrame())) {
            pattern.write(pixels, offset, frameNumber);
            assertEquals(frameNumber, CameraTestPattern.frameNumber(pixels, offset));
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    long at = offset + ((long) y * width + x) * bytesPerPixel;
                    int value = bitDepth == 8 ? pixels.getByte(at) & 0xFF : pixels.getShort(at) & 0xFFFF;
                    int pixelY = y;
                    int pixelX = x;
                    assertEquals(pattern.pixel(frameNumber, y, x), value, () -> "pixel (" + pixelY + ", " + pixelX + ")");
                }
            }
        }
    }

    @Test
    void rejectsUnsupportedDepthsAndFramesTooSmallForTheFrameNumber() {
        assertThrows(IllegalArgumentException.class, () -> new CameraTestPattern(16, 16, 12));
        assertThrows(IllegalArgumentException.class, () -> new CameraTestPattern(2, 2, 8));
        new CameraTestPattern(2, 2, 16); // 8 bytes: just fits
    }
}
