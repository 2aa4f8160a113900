package org.daqlab.driver.sim.internal;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.daqlab.api.data.FixedShapeTensorVector;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.StreamDescriptor;

import java.util.List;
import java.util.Map;

/**
 * The camera's stream: {@code timestamp_ns, frame_number} (int64) and {@code frame}
 * ({@code arrow.fixed_shape_tensor}, shape {@code [height, width]}, uint8 or uint16), one row per
 * frame; frame {@code n} is sample {@code n} and shows {@link CameraTestPattern}. Instrument
 * metadata: {@code kind}, {@code bit_depth}, {@code fps}, {@code test_pattern} (the formula, so a
 * reader of the files can check the images).
 */
final class CameraSource implements SampleSource {

    static final int MIN_WIDTH = 8;
    static final int MAX_SIDE = 16_384;
    static final double MAX_FPS = 100_000;
    static final int MAX_FRAMES_PER_BATCH = 1_000;

    static final String CAMERA = "camera";
    static final String FRAME_NUMBER = "frame_number";
    static final String FRAME = "frame";
    static final String TEST_PATTERN = "pixel(y, x) of frame n = (n + x + y * width) mod 2^bit_depth; "
            + "the first 8 bytes of every frame hold n as a little-endian int64";

    private final String instrumentId;
    private final double fps;
    private final int framesPerBatch;
    private final int pixelsPerBatch;
    private final CameraTestPattern pattern;
    private final StreamDescriptor descriptor;

    /** @throws IllegalArgumentException if a configuration value is out of range */
    CameraSource(CameraComponent.Config config) {
        instrumentId = config.instrument__id();
        StreamDescriptor.checkName("instrument_id", instrumentId);
        int width = ConfigChecks.inRange("width", config.width(), MIN_WIDTH, MAX_SIDE);
        int height = ConfigChecks.inRange("height", config.height(), 1, MAX_SIDE);
        int bitDepth = config.bit__depth();
        if (bitDepth != 8 && bitDepth != 16) {
            throw new IllegalArgumentException("bit_depth = " + bitDepth + " is not supported: use 8 or 16");
        }
        fps = ConfigChecks.inRange("fps", config.fps(), 0, MAX_FPS);
        framesPerBatch = ConfigChecks.inRange("frames_per_batch", config.frames__per__batch(), 1,
                MAX_FRAMES_PER_BATCH);
        // Arrow counts the values of a vector in an int.
        long pixels = (long) framesPerBatch * width * height;
        if (pixels > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("frames_per_batch × width × height = " + pixels
                    + " pixels is too many for one batch: stay below 2^31, e.g. with fewer frames per batch");
        }
        pixelsPerBatch = (int) pixels;
        pattern = new CameraTestPattern(width, height, bitDepth);
        descriptor = SampleSource.describeStream(instrumentId, CAMERA,
                List.of(StreamSchemas.int64(FRAME_NUMBER), StreamSchemas.frame(FRAME, bitDepth, height, width)),
                Map.of("bit_depth", (long) bitDepth, "fps", fps, "test_pattern", TEST_PATTERN));
    }

    @Override
    public String instrumentId() {
        return instrumentId;
    }

    @Override
    public String kind() {
        return CAMERA;
    }

    @Override
    public StreamDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public double sampleRateHz() {
        return fps;
    }

    @Override
    public int rowsPerBatch() {
        return framesPerBatch;
    }

    /**
     * Writes the frames straight into the pixel buffer of the frame column (the data vector of its
     * FixedSizeList): one block copy per 2^bitDepth pixels instead of one call per pixel.
     */
    @Override
    public void fill(VectorSchemaRoot batch, long firstSampleIndex) {
        BigIntVector frameNumbers = (BigIntVector) batch.getVector(FRAME_NUMBER);
        FixedShapeTensorVector frames = (FixedShapeTensorVector) batch.getVector(FRAME);
        FixedSizeListVector frameList = frames.getUnderlyingVector();
        FieldVector pixels = frames.pixelVector();

        frameList.setValueCount(framesPerBatch); // also sets the pixel vector's count to frames × H × W
        // Pixels written to the buffer directly bypass the vector's setters: mark them all valid.
        pixels.getValidityBuffer().setOne(0, BitVectorHelper.getValidityBufferSizeFromCount(pixelsPerBatch));
        ArrowBuf pixelBuffer = pixels.getDataBuffer();
        for (int row = 0; row < framesPerBatch; row++) {
            long frameNumber = firstSampleIndex + row;
            frameNumbers.set(row, frameNumber);
            frameList.setNotNull(row);
            pattern.write(pixelBuffer, row * pattern.bytesPerFrame(), frameNumber);
        }
    }

    @Override
    public String describe(long sampleIndex) {
        return "frame " + sampleIndex;
    }
}
