package org.daqlab.bench;

import org.apache.arrow.vector.types.pojo.Field;
import org.daqlab.api.data.FixedShapeTensorType;

/**
 * The chunking every contender of {@link Hdf5WriteBench} uses, as the HDF5 writer's properties
 * {@code chunk_rows} (1-D datasets) and {@code frames_per_chunk} (frame datasets) define it.
 */
record Chunking(int chunkRows, int framesPerChunk) {

    /** Rows per chunk of the dataset of {@code field}. */
    int rowsPerChunk(Field field) {
        return field.getType() instanceof FixedShapeTensorType ? framesPerChunk : chunkRows;
    }
}
