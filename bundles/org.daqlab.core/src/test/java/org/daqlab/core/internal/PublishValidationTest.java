package org.daqlab.core.internal;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.instrument.StreamPublisher;
import org.daqlab.api.run.StreamDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A batch the core cannot take is refused with the reason and the fix, and never reaches the ring. */
class PublishValidationTest {

    /** Small, so that a batch of a few thousand rows is too large for it. */
    private static final long RING_CAPACITY = 64 * 1024;

    @TempDir
    Path work;

    @Test
    void aBatchWithOtherColumnsIsRefused() throws Exception {
        // the same column names, but power in mW: a unit is part of the schema
        StreamDescriptor milliwatts = new StreamDescriptor("power", "pm-power", StreamSchemas.schema("power", "pm-power",
                List.of(StreamSchemas.float64("power", "mW")), Map.of()), Map.of());
        assertRefused(fixture -> PowerStream.batch(milliwatts, fixture.allocator, 0, 10),
                "batch for stream 'power' has columns", "(column 2: 'power' FloatingPoint(DOUBLE) nullable=false metadata {unit=mW}",
                "open a new stream for a new schema");
    }

    @Test
    void anEmptyBatchIsRefused() throws Exception {
        assertRefused(fixture -> PowerStream.batch(PowerStream.descriptor("power"), fixture.allocator, 0, 0),
                "batch for stream 'power' has no rows", "setRowCount");
    }

    @Test
    void aBatchLargerThanTheRingsLargestRecordIsRefused() throws Exception {
        assertRefused(fixture -> PowerStream.batch(PowerStream.descriptor("power"), fixture.allocator, 0,
                        (int) (fixture.ring.maxPayloadBytes() / Long.BYTES)), // two 8-byte columns: twice too large
                "for stream 'power' is larger than the ring buffer's largest record",
                "publish fewer rows per batch or raise capacity_mb of org.daqlab.ringbuffer");
    }

    /**
     * Publishes the batch {@code badBatch} makes during a run and checks that it is refused with a
     * message containing {@code expected}, that nothing reached the ring, and that the stream still
     * takes a good batch afterwards.
     */
    private void assertRefused(Function<CoreFixture, VectorSchemaRoot> badBatch, String... expected) throws Exception {
        try (CoreFixture fixture = new CoreFixture(work, RING_CAPACITY)) {
            fixture.bindWriter("recorder", Map.of());
            fixture.core.start("refusals", Map.of());
            try (StreamPublisher power = fixture.core.openStream(PowerStream.descriptor("power"))) {
                long recordsBefore = fixture.ring.stats().recordsPublished();

                try (VectorSchemaRoot batch = badBatch.apply(fixture)) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> power.publish(batch));
                    for (String fragment : expected) {
                        assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' in: " + e.getMessage());
                    }
                }

                assertEquals(recordsBefore, fixture.ring.stats().recordsPublished(), "nothing was published");
                assertEquals(0, power.batchesPublished());
                assertEquals(0, power.rowsPublished());
                PowerStream.publish(power, fixture.allocator, 0, 10);
                assertEquals(recordsBefore + 1, fixture.ring.stats().recordsPublished(), "the stream still works");
            }
            assertEquals(Map.of("power", 10L), fixture.core.stop("done").orElseThrow().rowsPerStream());
        }
    }
}
