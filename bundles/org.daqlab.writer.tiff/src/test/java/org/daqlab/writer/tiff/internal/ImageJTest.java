package org.daqlab.writer.tiff.internal;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.Calibration;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Opens the writer's files with ImageJ 1 itself (the opener Fiji uses for TIFF), headless: a stack
 * of every page as a time series (frames), each slice's pixels as published, the spatial calibration
 * from the resolution tags and the description's unit, and the frame interval. ImageJ takes an
 * uncompressed ImageJ stack for one contiguous block of pixels unless told otherwise; these pages
 * are not contiguous (each has its directory after it), which the Orientation tag tells it.
 */
class ImageJTest {

    private static final int FRAMES = 9;

    @TempDir
    Path dir;
    private final BufferAllocator allocator = new RootAllocator();

    @AfterEach
    void close() {
        allocator.close();
    }

    @ParameterizedTest(name = "{0} pixels, {1}")
    @CsvSource({"uint16, none", "uint16, deflate", "uint8, none", "uint8, deflate", "float32, none", "float32, deflate"})
    void imageJOpensEveryPageAsATimeSeriesWithItsCalibration(String dtype, String compression) throws Exception {
        ArrowType pixel = dtype.equals("float32") ? new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)
                : new ArrowType.Int(dtype.equals("uint8") ? 8 : 16, false);
        StreamDescriptor camera = TestFrames.camera("camera0", pixel, 40, 56, Map.of("fps", 50.0, "pixel_size_um", 6.5));
        TiffStorageWriter writer = TestConfigs.writer(Map.of("compression", compression));
        TestRunContext context = new TestRunContext(dir, TestFrames.RUN, 1, allocator, "tiff");
        RunWriter run = writer.open(context);
        run.describe(camera);
        for (int first = 0; first < FRAMES; first += 3) {
            try (VectorSchemaRoot batch = TestFrames.batch(camera, allocator, first, 3)) {
                run.write("camera0", batch);
            }
        }
        run.close(TestFrames.STOP);
        writer.deactivate();
        Path file = Files.copy(context.path("camera0", "tif"), dir.resolve("camera0.tif"));

        ImagePlus image = IJ.openImage(file.toString());

        assertNotNull(image, "ImageJ opened " + file);
        assertEquals(FRAMES, image.getStackSize());
        assertEquals(FRAMES, image.getNFrames(), "a time series, from frames= in the description");
        assertEquals(1, image.getNSlices());
        assertEquals(56, image.getWidth());
        assertEquals(40, image.getHeight());
        assertEquals(dtype.equals("uint8") ? 8 : dtype.equals("uint16") ? 16 : 32, image.getBitDepth());
        Calibration calibration = image.getCalibration();
        assertEquals(6.5, calibration.pixelWidth, 1e-9);
        assertEquals(6.5, calibration.pixelHeight, 1e-9);
        assertEquals("micron", calibration.getUnit());
        assertEquals(0.02, calibration.frameInterval, 1e-12);
        for (int n = 0; n < FRAMES; n++) {
            Object pixels = image.getStack().getPixels(n + 1);
            byte[] expected = TestFrames.pixels(camera, n);
            ByteBuffer le = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN);
            String where = "slice " + (n + 1);
            switch (dtype) {
                case "uint8" -> assertArrayEquals(expected, (byte[]) pixels, where);
                case "uint16" -> {
                    short[] values = new short[expected.length / 2];
                    le.asShortBuffer().get(values);
                    assertArrayEquals(values, (short[]) pixels, where);
                }
                default -> {
                    float[] values = new float[expected.length / 4];
                    le.asFloatBuffer().get(values);
                    assertArrayEquals(values, (float[]) pixels, where);
                }
            }
        }
    }
}
