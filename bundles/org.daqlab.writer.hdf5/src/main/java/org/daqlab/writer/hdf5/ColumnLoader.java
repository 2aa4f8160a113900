package org.daqlab.writer.hdf5;

import io.jhdf.api.Dataset;
import io.jhdf.exceptions.HdfException;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.pojo.Field;
import org.daqlab.api.data.FixedShapeTensorVector;

import java.lang.reflect.Array;

/**
 * Loads rows of one dataset into the vector of its column, a slice at a time: jhdf decompresses
 * only the chunks the slice overlaps, so memory stays bounded by the batch size, not the dataset.
 */
final class ColumnLoader {

    private final String where;
    private final Dataset dataset;
    private final ElementCopier copier;
    private final int[] dimensions;

    /** @param where the file and dataset, for error messages; {@code field} is a stored type matching {@code dataset} */
    ColumnLoader(String where, Dataset dataset, Field field) {
        this.where = where;
        this.dataset = dataset;
        this.copier = ElementCopier.forType(ColumnMapping.elementType(field));
        this.dimensions = dataset.getDimensions();
    }

    /**
     * Replaces the content of {@code vector} with rows {@code [firstRow, firstRow + rows)}.
     *
     * @throws Hdf5FormatException if jhdf cannot read the slice (a corrupt or truncated chunk)
     */
    void load(long firstRow, int rows, FieldVector vector) throws Hdf5FormatException {
        long[] offset = new long[dimensions.length];
        offset[0] = firstRow;
        int[] shape = dimensions.clone();
        shape[0] = rows;
        Object slice;
        try {
            slice = dataset.getData(offset, shape);
        } catch (HdfException e) {
            throw new Hdf5FormatException(where + ": rows " + firstRow + " to " + (firstRow + rows - 1)
                    + " could not be read: " + e.getMessage(), e);
        }
        vector.clear();
        vector.setInitialCapacity(rows);
        vector.allocateNew();
        if (vector instanceof FixedShapeTensorVector tensor) {
            FixedSizeListVector tensors = tensor.getUnderlyingVector();
            for (int row = 0; row < rows; row++) {
                tensors.setNotNull(row);
            }
            copyLeaves(slice, 0, tensor.pixelVector(), 0);
        } else {
            copyLeaves(slice, 0, vector, 0);
        }
        vector.setValueCount(rows);
    }

    /**
     * Copies the one-dimensional arrays at the bottom of jhdf's nested slice ({@code int[rows][H][W]}
     * for frames) into {@code target} one after the other: row-major, as Arrow keeps tensors.
     *
     * @return the index in {@code target} after the last value copied
     */
    private int copyLeaves(Object array, int depth, FieldVector target, int at) {
        if (depth == dimensions.length - 1) {
            copier.copy(array, target, at);
            return at + Array.getLength(array);
        }
        int next = at;
        for (Object inner : (Object[]) array) {
            next = copyLeaves(inner, depth + 1, target, next);
        }
        return next;
    }
}
