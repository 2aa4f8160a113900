package org.daqlab.writer.hdf5;

import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import org.apache.arrow.memory.BufferAllocator;
import org.osgi.annotation.versioning.ProviderType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A daqlab {@code .h5} file (one segment of a run, laid out as the bundle's FORMAT.md describes),
 * opened for reading: its run metadata, its streams and their schemas, and each stream as Arrow
 * record batches.
 *
 * <p>Opening reads every group's attributes and schema and checks each dataset's type and shape
 * against it, so a file that is not what FORMAT.md describes fails here, with a message naming the
 * file, the group or dataset, and what is wrong. Data is read only by {@link #read}.
 */
@ProviderType
public final class Hdf5RunFile implements AutoCloseable {

    private final Path path;
    private final HdfFile hdf;
    private final Map<String, Object> attributes;
    private final Map<String, StreamGroup> groups;

    private Hdf5RunFile(Path path, HdfFile hdf, Map<String, Object> attributes, Map<String, StreamGroup> groups) {
        this.path = path;
        this.hdf = hdf;
        this.attributes = attributes;
        this.groups = groups;
    }

    /**
     * Opens {@code file}.
     *
     * @throws NoSuchFileException  if there is no such file
     * @throws Hdf5FormatException  if it is not HDF5, or not a daqlab file
     */
    public static Hdf5RunFile open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        HdfFile hdf;
        try {
            hdf = new HdfFile(file);
        } catch (HdfException e) {
            throw new Hdf5FormatException(file + ": not an HDF5 file (" + e.getMessage()
                    + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()) + ")", e);
        }
        try {
            Map<String, StreamGroup> groups = new TreeMap<>();
            for (Node node : hdf) {
                if (node instanceof Group group) {
                    groups.put(group.getName(), StreamGroup.read(file, group));
                }
            }
            return new Hdf5RunFile(file, hdf, AttributeValues.of(hdf, Set.of()), groups);
        } catch (HdfException e) {
            hdf.close();
            throw new Hdf5FormatException(file + ": jhdf cannot read it: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            hdf.close();
            throw e;
        }
    }

    /** The file. */
    public Path path() {
        return path;
    }

    /**
     * The root attributes: {@code created_at}, {@code created_timestamp_ns}, {@code application},
     * {@code run_uid}, {@code run_name}, {@code segment} and the run metadata, sorted by name. Integers
     * are Long, floats Double, strings String; a Boolean stored as {@code uint8} reads as 0 or 1.
     */
    public Map<String, Object> attributes() {
        return attributes;
    }

    /** Every stream of the file, sorted by group name ({@code camera0} before {@code camera0.schema2}). */
    public List<Hdf5Stream> streams() {
        return groups.values().stream().map(g -> g.stream).toList();
    }

    /**
     * The stream stored in group {@code group}: a stream name, or {@code <stream>.schema2}, … for the
     * batches after a schema change.
     *
     * @throws IllegalArgumentException naming the file and the streams it has, if it has no such group
     */
    public Hdf5Stream stream(String group) {
        return streamGroup(group).stream;
    }

    /**
     * A reader of the stream in group {@code group} as batches of at most {@code maxRows} rows,
     * allocated from {@code allocator}. Close it before this file.
     *
     * @throws IllegalArgumentException if the file has no such group, or {@code maxRows} is not positive
     */
    public Hdf5BatchReader read(String group, BufferAllocator allocator, int maxRows) {
        return new Hdf5BatchReader(streamGroup(group), allocator, maxRows);
    }

    @Override
    public void close() {
        hdf.close();
    }

    private StreamGroup streamGroup(String group) {
        StreamGroup found = groups.get(group);
        if (found == null) {
            throw new IllegalArgumentException(path + " has no stream '" + group + "'; "
                    + (groups.isEmpty() ? "it has no streams" : "its streams are: " + String.join(", ", groups.keySet())));
        }
        return found;
    }
}
