package org.daqlab.writer.hdf5;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.osgi.annotation.versioning.ProviderType;

import java.util.List;

/**
 * Reads one stream of a file back as Arrow record batches of at most {@code maxRows} rows, in the
 * style of Arrow's {@code ArrowReader}: each {@link #loadNextBatch()} replaces the content of the one
 * {@link #root()}, whose schema is {@link Hdf5Stream#batchSchema()}. Only the rows of the current
 * batch are in memory (on the heap while jhdf decodes them, then in buffers of the caller's
 * allocator).
 *
 * <pre>{@code
 * try (Hdf5RunFile file = Hdf5RunFile.open(path);
 *      Hdf5BatchReader reader = file.read("camera0", allocator, 100)) {
 *     while (reader.loadNextBatch()) {
 *         consume(reader.root());
 *     }
 * }
 * }</pre>
 *
 * Close the reader before its file. Not thread-safe.
 */
@ProviderType
public final class Hdf5BatchReader implements AutoCloseable {

    private final Hdf5Stream stream;
    private final List<ColumnLoader> loaders;
    private final int maxRows;
    private final VectorSchemaRoot root;
    private long nextRow;

    Hdf5BatchReader(StreamGroup group, BufferAllocator allocator, int maxRows) {
        if (maxRows <= 0) {
            throw new IllegalArgumentException("maxRows is " + maxRows + ": a batch needs at least one row");
        }
        this.stream = group.stream;
        this.loaders = group.loaders;
        this.maxRows = maxRows;
        this.root = VectorSchemaRoot.create(stream.batchSchema(), allocator);
    }

    /** The stream being read. */
    public Hdf5Stream stream() {
        return stream;
    }

    /** The schema of every batch: the published schema without the dropped columns. */
    public Schema schema() {
        return root.getSchema();
    }

    /** The batch last loaded; the same root every time, owned by this reader (do not close it). */
    public VectorSchemaRoot root() {
        return root;
    }

    /**
     * Loads the next rows of the stream into {@link #root()}.
     *
     * @return {@code false}, leaving the root as it was, when every row has been read
     * @throws Hdf5FormatException naming the file and dataset if a slice cannot be read
     */
    public boolean loadNextBatch() throws Hdf5FormatException {
        if (nextRow >= stream.rowCount()) {
            return false;
        }
        int rows = (int) Math.min(maxRows, stream.rowCount() - nextRow);
        for (int column = 0; column < loaders.size(); column++) {
            loaders.get(column).load(nextRow, rows, root.getVector(column));
        }
        root.setRowCount(rows);
        nextRow += rows;
        return true;
    }

    /** Releases the root's buffers. */
    @Override
    public void close() {
        root.close();
    }
}
