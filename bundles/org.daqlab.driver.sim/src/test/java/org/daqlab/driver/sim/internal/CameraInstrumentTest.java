package org.daqlab.driver.sim.internal;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.FixedShapeTensorType;
import org.daqlab.api.data.FixedShapeTensorVector;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.driver.sim.internal.RecordingPublisher.Batch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.daqlab.driver.sim.internal.TestSupport.config;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CameraInstrumentTest {

    private final BufferAllocator allocator = new RootAllocator();
    private final RecordingPublisher publisher = new RecordingPublisher();

    @AfterEach
    void releasesAllMemory() {
        assertTrue(allocator.getChildAllocators().isEmpty(), "the instrument's child allocator is closed");
        assertEquals(0, allocator.getAllocatedMemory());
        allocator.close();
    }

    private static CameraSource source(Map<String, ?> properties) {
        return new CameraSource(config(CameraComponent.Config.class, properties));
    }

    @Test
    void rejectsOutOfRangeConfiguration() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> source(Map.of("bit_depth", 12)))
                .getMessage().startsWith("bit_depth = 12 is not supported"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> source(Map.of("width", 4)))
                .getMessage().startsWith("width = 4 is out of range: use 8 to 16384"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> source(Map.of("fps", -1.0)))
                .getMessage().startsWith("fps = -1.0"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> source(Map.of("width", 16_384, "height", 16_384, "frames_per_batch", 8)))
                .getMessage().contains("too many for one batch"));
    }

    @Test
    void defaultCameraPublishesSixteenBitFramesOfTheTestPattern() throws InterruptedException {
        CameraSource source = source(Map.of());
        assertEquals("camera0", source.instrumentId());
        assertEquals(10.0, source.sampleRateHz());
        checkFrames(source, 256, 256, 16, 2);
    }

    @Test
    void eightBitFramesLargerThanOneRampPeriod() throws InterruptedException {
        // 600 pixels: the 256-level ramp wraps within every frame
        checkFrames(source(Map.of("instrument_id", "cam8", "width", 20, "height", 30, "bit_depth", 8,
                "fps", 1_000.0, "frames_per_batch", 3)), 30, 20, 8, 4);
    }

    @Test
    void freeRunningCameraKeepsTimestampsStrictlyIncreasing() throws InterruptedException {
        CameraSource source = source(Map.of("instrument_id", "cam_fast", "width", 8, "height", 2, "bit_depth", 8,
                "fps", 0.0, "frames_per_batch", 4));
        SimulatedInstrument instrument = SimulatedInstrument.start(source, publisher, allocator);
        List<Batch> batches;
        try {
            batches = publisher.stream().awaitBatches(20);
        } finally {
            instrument.stop();
        }
        long[] previous = {Long.MIN_VALUE};
        for (Batch batch : batches) {
            batch.read(allocator, root -> {
                BigIntVector timestamps = (BigIntVector) root.getVector(StreamSchemas.TIMESTAMP_NS);
                for (int row = 0; row < root.getRowCount(); row++) {
                    assertTrue(timestamps.get(row) > previous[0], "timestamps strictly increase");
                    previous[0] = timestamps.get(row);
                }
            });
        }
    }

    /**
     * Runs the camera until {@code batchCount} batches are published and checks schema, frame
     * numbers, the burnt-in frame numbers and every pixel.
     */
    private void checkFrames(CameraSource source, int height, int width, int bitDepth, int batchCount)
            throws InterruptedException {
        Schema schema = source.descriptor().schema();
        assertEquals(List.of(StreamSchemas.TIMESTAMP_NS, "frame_number", "frame"),
                schema.getFields().stream().map(Field::getName).toList());
        Field frameField = schema.findField("frame");
        FixedShapeTensorType tensorType = assertInstanceOf(FixedShapeTensorType.class, frameField.getType());
        assertArrayEquals(new long[] {height, width}, tensorType.shape());
        assertEquals(new ArrowType.Int(bitDepth, false), FixedShapeTensorType.valueType(frameField));
        assertEquals(Long.toString(bitDepth), schema.getCustomMetadata().get("bit_depth"));
        assertEquals(CameraSource.TEST_PATTERN, source.descriptor().metadata().get("test_pattern"));

        SimulatedInstrument instrument = SimulatedInstrument.start(source, publisher, allocator);
        List<Batch> batches;
        try {
            batches = publisher.stream().awaitBatches(batchCount);
        } finally {
            instrument.stop();
        }

        int framesPerBatch = source.rowsPerBatch();
        CameraTestPattern pattern = new CameraTestPattern(width, height, bitDepth);
        int bytesPerPixel = bitDepth / 8;
        for (Batch batch : batches) {
            batch.read(allocator, root -> {
                assertEquals(framesPerBatch, root.getRowCount());
                BigIntVector frameNumbers = (BigIntVector) root.getVector("frame_number");
                FixedShapeTensorVector frames = assertInstanceOf(FixedShapeTensorVector.class, root.getVector("frame"));
                FieldVector pixels = frames.pixelVector();
                assertEquals(0, frames.getNullCount());
                assertEquals(framesPerBatch * height * width, pixels.getValueCount());
                assertEquals(0, pixels.getNullCount());
                ArrowBuf pixelBuffer = pixels.getDataBuffer();
                for (int row = 0; row < framesPerBatch; row++) {
                    long frameNumber = batch.publishCall() * framesPerBatch + row;
                    assertEquals(frameNumber, frameNumbers.get(row));
                    long frameOffset = (long) row * height * width * bytesPerPixel;
                    assertEquals(frameNumber, CameraTestPattern.frameNumber(pixelBuffer, frameOffset),
                            "burnt-in frame number");
                    for (int y = 0; y < height; y++) {
                        for (int x = 0; x < width; x++) {
                            long at = frameOffset + ((long) y * width + x) * bytesPerPixel;
                            int value = bitDepth == 8 ? pixelBuffer.getByte(at) & 0xFF : pixelBuffer.getShort(at) & 0xFFFF;
                            int pixelY = y;
                            int pixelX = x;
                            assertEquals(pattern.pixel(frameNumber, y, x), value,
                                    () -> "frame " + frameNumber + " pixel (" + pixelY + ", " + pixelX + ")");
                        }
                    }
                }
            });
        }
        assertEquals("frame " + (instrument.status().rows() - 1), instrument.status().lastValue());
    }
}
