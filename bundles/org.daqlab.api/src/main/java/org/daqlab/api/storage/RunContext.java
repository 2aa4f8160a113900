package org.daqlab.api.storage;

import org.apache.arrow.memory.BufferAllocator;
import org.daqlab.api.run.RunStart;
import org.osgi.annotation.versioning.ProviderType;

import java.io.IOException;
import java.util.Map;

/**
 * What the core gives a {@link RunWriter} for one segment: the run, the writer's configuration,
 * memory, and the output files (named by the configured template, written under a temporary
 * name and renamed on close).
 */
@ProviderType
public interface RunContext {

    /** The run's start document. */
    RunStart run();

    /** Segment number, from 1; greater than 1 after rotation. */
    int segment();

    /** Run-level metadata as it stands when the segment opens (start metadata plus later updates). */
    Map<String, Object> runMetadata();

    /** The writer instance's configuration properties. */
    Map<String, Object> configuration();

    /** The writer instance's name. */
    String writerName();

    /** An allocator for the segment's own buffers; the core closes it after the segment. */
    BufferAllocator allocator();

    /**
     * Creates an output file of this segment.
     *
     * @param stream    the stream the file holds, or {@code null} for a file holding every stream
     * @param extension file extension without the dot ({@code csv}, {@code h5}, {@code json})
     * @throws IOException if the output directory cannot be created or written
     */
    OutputFile createFile(String stream, String extension) throws IOException;

    /**
     * Creates an output directory of this segment, for a format that stores a segment as a tree of
     * files (a Zarr store). It is named as {@link #createFile} names a file and created empty under
     * the temporary name {@link OutputFile#path()}; after {@link RunWriter#close} the core renames it
     * atomically to {@link OutputFile#finalPath()}, so a watcher never sees a half-written tree.
     *
     * <p>Unlike a file's content, the files inside are not forced to disk by the core at a flush: a
     * tree may hold many thousands of files, and only the writer knows which of them changed and in
     * which order they must become durable (data before the metadata that points to it). So the
     * writer forces them itself in {@link RunWriter#flush} and {@link RunWriter#close}; the core
     * forces the directory's own entries at each flush and its parent's after the rename. Its size
     * (statistics, rotation by size) is the sum of the sizes of its files, measured again at most as
     * often as walking the tree stays cheap.
     *
     * @param stream    the stream the directory holds, or {@code null} for one holding every stream
     * @param extension extension without the dot ({@code zarr})
     * @throws IOException if the output directory cannot be created or written
     * @since 1.1
     */
    OutputFile createDirectory(String stream, String extension) throws IOException;

    /**
     * Reports a condition once in the writer's status, e.g. that frame columns are not written to
     * CSV. Repeated calls with the same text are reported once.
     */
    void notice(String message);
}
