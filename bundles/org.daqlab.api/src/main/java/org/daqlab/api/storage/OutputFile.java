package org.daqlab.api.storage;

import org.osgi.annotation.versioning.ProviderType;

import java.nio.file.Path;

/**
 * A file of a segment. The writer writes to {@link #path()}, a temporary name; after
 * {@link RunWriter#close} the core makes it durable and renames it atomically to
 * {@link #finalPath()}, so a watcher never sees a half-written file. A directory made by
 * {@link RunContext#createDirectory} is an output file too, with the same names and life cycle.
 */
@ProviderType
public interface OutputFile {

    /** Where to write: the final name plus a temporary suffix. */
    Path path();

    /** The name the file gets when the segment closes. */
    Path finalPath();

    /** The stream the file holds, or {@code null} for a multi-stream file. */
    String stream();

    /** Adds rows written to this file (for statistics and the run summary). */
    void addRows(long rows);
}
