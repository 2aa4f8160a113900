package org.daqlab.webconsole.internal.tap;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.FixedShapeTensorVector;
import org.daqlab.api.data.StreamSchemas;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamHistoryTest {

    @Test
    void keepsTheNewestValuesOfEveryNumericColumnOldestFirst() {
        Schema schema = StreamSchemas.schema("adc0", "adc0", List.of(
                StreamSchemas.float64("ch0", "V"), StreamSchemas.int64("count")), Map.of());
        try (BufferAllocator allocator = new RootAllocator();
             StreamHistory history = new StreamHistory(schema, 4, allocator);
             VectorSchemaRoot batch = VectorSchemaRoot.create(schema, allocator)) {
            assertEquals("V", history.columns().get("ch0"));
            assertTrue(history.columns().containsKey("count"));
            assertFalse(history.columns().containsKey(StreamSchemas.TIMESTAMP_NS), "the time axis is no column");
            assertFalse(history.hasFrames());

            fill(batch, 0, 3); // rows 0, 1, 2
            history.add(batch, false);
            Series first = history.series("ch0", 10);
            assertArrayEquals(new double[] {0, 0.5, 1.0}, first.values());
            assertArrayEquals(new long[] {1000, 1001, 1002}, first.timestampNs());

            fill(batch, 3, 3); // rows 3, 4, 5: the ring of 4 wraps
            history.add(batch, false);
            assertArrayEquals(new double[] {1.0, 1.5, 2.0, 2.5}, history.series("ch0", 10).values());
            assertArrayEquals(new double[] {2.0, 2.5}, history.series("ch0", 2).values());
            assertArrayEquals(new double[] {4, 5}, history.series("count", 2).values());
            assertArrayEquals(new long[] {1004, 1005}, history.series("count", 2).timestampNs());
            assertNull(history.series("nope", 2));

            fill(batch, 10, 6); // a batch larger than the history keeps its newest rows
            history.add(batch, false);
            assertArrayEquals(new double[] {12, 13, 14, 15}, history.series("count", 4).values());
        }
    }

    @Test
    void keepsTheLastFrameOfABatchWithItsNumber() {
        Schema schema = StreamSchemas.schema("camera0", "camera0", List.of(
                StreamSchemas.int64("frame_number"), StreamSchemas.frame("frame", 16, 2, 3)), Map.of());
        try (BufferAllocator allocator = new RootAllocator();
             StreamHistory history = new StreamHistory(schema, 8, allocator);
             VectorSchemaRoot batch = VectorSchemaRoot.create(schema, allocator)) {
            assertTrue(history.hasFrames());
            assertEquals(List.of("frame_number"), List.copyOf(history.columns().keySet()));
            batch.allocateNew();
            BigIntVector time = (BigIntVector) batch.getVector(StreamSchemas.TIMESTAMP_NS);
            BigIntVector number = (BigIntVector) batch.getVector("frame_number");
            FixedShapeTensorVector frames = (FixedShapeTensorVector) batch.getVector("frame");
            FixedSizeListVector storage = frames.getUnderlyingVector();
            UInt2Vector pixels = (UInt2Vector) frames.pixelVector();
            for (int row = 0; row < 2; row++) {
                time.setSafe(row, 500 + row);
                number.setSafe(row, 40 + row);
                storage.setNotNull(row);
                for (int p = 0; p < 6; p++) {
                    pixels.setSafe(row * 6 + p, 1000 * row + p);
                }
            }
            frames.setValueCount(2);
            batch.setRowCount(2);

            history.add(batch, true);
            Frame frame = history.latestFrame();
            assertEquals(41, frame.frameNumber());
            assertEquals(501, frame.timestampNs());
            assertEquals(2, frame.height());
            assertEquals(3, frame.width());
            assertEquals(16, frame.bitDepth());
            // row 1: 1000..1005, little-endian
            assertEquals(1000, (frame.pixels()[0] & 0xff) | (frame.pixels()[1] & 0xff) << 8);
            assertEquals(1005, (frame.pixels()[10] & 0xff) | (frame.pixels()[11] & 0xff) << 8);
        }
    }

    private static void fill(VectorSchemaRoot batch, int from, int rows) {
        batch.allocateNew();
        BigIntVector time = (BigIntVector) batch.getVector(StreamSchemas.TIMESTAMP_NS);
        Float8Vector ch0 = (Float8Vector) batch.getVector("ch0");
        BigIntVector count = (BigIntVector) batch.getVector("count");
        for (int r = 0; r < rows; r++) {
            time.setSafe(r, 1000 + from + r);
            ch0.setSafe(r, (from + r) * 0.5);
            count.setSafe(r, from + r);
        }
        batch.setRowCount(rows);
    }
}
