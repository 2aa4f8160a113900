package org.daqlab.api.storage;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.osgi.annotation.versioning.ConsumerType;

import java.io.IOException;

/**
 * Writes one segment of a run. Called by exactly one thread, in the order records were published:
 * a stream is always {@link #describe described} before its first batch; at rotation the core
 * closes this segment and opens a new one, to which every stream is described again.
 *
 * <p>Any exception marks the writer FAILED in the statistics with its message, which should name
 * the file, the stream and the fix. Other writers are not affected.
 */
@ConsumerType
public interface RunWriter {

    /** A stream appeared (or the segment started and the stream already exists). */
    void describe(StreamDescriptor descriptor) throws IOException;

    /**
     * Writes one batch of {@code stream}. The batch and its buffers belong to the caller and are
     * valid only during this call: copy what must outlive it.
     */
    void write(String stream, VectorSchemaRoot batch) throws IOException;

    /** Run-level or instrument metadata changed. */
    void metadata(MetadataUpdate update) throws IOException;

    /**
     * Pushes everything written so far out of user-space buffers into the files, so it survives a
     * crash of the JVM. The core makes it durable (fsync) afterwards.
     */
    void flush() throws IOException;

    /**
     * Ends the segment: write footers and close every file. Afterwards the core makes each file
     * durable and renames it from its temporary name to its final name.
     *
     * @param stop the run's stop document, or {@code null} when only the segment ends (rotation)
     */
    void close(RunStop stop) throws IOException;
}
