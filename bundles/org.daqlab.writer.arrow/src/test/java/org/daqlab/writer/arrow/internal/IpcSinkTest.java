package org.daqlab.writer.arrow.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.IntVector;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The null count the sink writes into each field node, against Arrow's own count. */
class IpcSinkTest {

    @Test
    void countsNullsAsArrowDoesAtEveryLengthAroundWordBoundaries() {
        SplittableRandom random = new SplittableRandom(7);
        try (BufferAllocator allocator = new RootAllocator(); IntVector vector = new IntVector("v", allocator)) {
            for (int count : new int[] {0, 1, 7, 8, 9, 63, 64, 65, 127, 128, 129, 1000, 4099}) {
                for (double nullShare : new double[] {0, 0.3, 1}) {
                    vector.reset();
                    vector.allocateNew(count);
                    for (int i = 0; i < count; i++) {
                        if (random.nextDouble() < nullShare) {
                            vector.setNull(i);
                        } else {
                            vector.set(i, i);
                        }
                    }
                    vector.setValueCount(count);
                    assertEquals(BitVectorHelper.getNullCount(vector.getValidityBuffer(), count),
                            IpcSink.nullCount(vector.getValidityBuffer(), count), count + " values, " + nullShare + " null");
                }
            }
        }
    }
}
