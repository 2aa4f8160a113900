package org.daqlab.core.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.instrument.StreamPublisher;
import org.daqlab.api.run.StreamDescriptor;

import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * The stream the core tests publish: a power meter's {@code timestamp_ns} and {@code power} (W).
 * Row {@code i} of a test carries timestamp {@code i}, so what a writer received can be compared
 * with what was published, order included.
 */
final class PowerStream {

    private PowerStream() {
    }

    static StreamDescriptor descriptor(String stream) {
        return new StreamDescriptor(stream, "pm-" + stream,
                StreamSchemas.schema(stream, "pm-" + stream, List.of(StreamSchemas.float64("power", "W")), Map.of()),
                Map.of("model", "PM100"));
    }

    /** Publishes one batch of the rows with timestamps {@code first} to {@code first + count - 1}. */
    static void publish(StreamPublisher stream, BufferAllocator allocator, long first, int count) {
        try (VectorSchemaRoot batch = batch(stream.descriptor(), allocator, first, count)) {
            stream.publish(batch);
        }
    }

    /** A batch of {@code count} rows from timestamp {@code first}; the caller closes it. */
    static VectorSchemaRoot batch(StreamDescriptor descriptor, BufferAllocator allocator, long first, int count) {
        VectorSchemaRoot batch = VectorSchemaRoot.create(descriptor.schema(), allocator);
        BigIntVector timestamps = (BigIntVector) batch.getVector(StreamSchemas.TIMESTAMP_NS);
        Float8Vector power = (Float8Vector) batch.getVector("power");
        for (int row = 0; row < count; row++) {
            timestamps.setSafe(row, first + row);
            power.setSafe(row, (first + row) * 1e-3);
        }
        batch.setRowCount(count);
        return batch;
    }

    /** The timestamps {@code first} to {@code first + count - 1}: what a writer should have received. */
    static List<Long> rows(long first, long count) {
        return LongStream.range(first, first + count).boxed().toList();
    }
}
