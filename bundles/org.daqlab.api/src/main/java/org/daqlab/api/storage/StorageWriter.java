package org.daqlab.api.storage;

import org.osgi.annotation.versioning.ConsumerType;

import java.io.IOException;

/**
 * A storage backend, registered as an OSGi service by a writer bundle (one service per configured
 * writer instance). The core tracks every StorageWriter (dynamic, multiple), gives each its own
 * thread and ring cursor, and calls {@link #open} once per run segment.
 *
 * <p>Service properties the core reads: {@value #NAME} (instance name shown in statistics; the
 * configuration's name hint) and {@value #FORMAT}.
 */
@ConsumerType
public interface StorageWriter {

    /** Service property: the writer instance's name, unique among writers ({@code csv}, {@code csv-archive}). */
    String NAME = "daqlab.writer.name";
    /** Service property: the format, equal to {@link #format()}. */
    String FORMAT = "daqlab.writer.format";

    /** The format this writer produces, e.g. {@code csv}; what {@code --writers} selects. */
    String format();

    /**
     * Opens one segment of a run. The returned writer is used by one thread only.
     *
     * @throws IOException if the segment cannot be opened (the message names the file and the fix)
     */
    RunWriter open(RunContext context) throws IOException;
}
