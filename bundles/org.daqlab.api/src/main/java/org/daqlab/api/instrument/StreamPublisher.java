package org.daqlab.api.instrument;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.StreamDescriptor;
import org.osgi.annotation.versioning.ProviderType;

/** An open stream: publishes its batches. Thread-safe; close it when the driver stops. */
@ProviderType
public interface StreamPublisher extends AutoCloseable {

    /** The stream's descriptor. */
    StreamDescriptor descriptor();

    /**
     * Publishes one batch. The batch is copied into the ring before this returns, so the caller may
     * reuse it at once.
     *
     * @return the batch's sequence number within the stream, from 0
     * @throws IllegalArgumentException if the batch's schema differs from the descriptor's, it has no
     *                                  rows, or it is larger than the ring buffer (nothing is published)
     * @throws IllegalStateException    if the stream was closed
     */
    long publish(VectorSchemaRoot batch);

    /** Sets metadata of this stream's instrument ({@code SetInstrumentMetadata}). */
    void setMetadata(String key, Object value);

    /** Batches published so far. */
    long batchesPublished();

    /** Rows published so far. */
    long rowsPublished();

    /** Closes the stream; later {@link #publish} calls fail. */
    @Override
    void close();
}
