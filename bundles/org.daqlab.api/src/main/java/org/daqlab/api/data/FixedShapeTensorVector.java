package org.daqlab.api.data;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.hash.ArrowBufHasher;
import org.apache.arrow.vector.ExtensionTypeVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;

/**
 * A column of {@link FixedShapeTensorType} values (frames). The pixels of all rows are one
 * contiguous buffer: {@link #pixelVector()}'s data buffer, row {@code i} starting at
 * {@code i * elementCount * bytesPerValue}.
 */
public final class FixedShapeTensorVector extends ExtensionTypeVector<FixedSizeListVector> {

    /** Wraps {@code storage}; normally created through {@link FixedShapeTensorType#getNewVector}. */
    public FixedShapeTensorVector(String name, BufferAllocator allocator, FixedSizeListVector storage) {
        super(name, allocator, storage);
    }

    /** The tensor type of this column. */
    public FixedShapeTensorType tensorType() {
        return (FixedShapeTensorType) getField().getType();
    }

    /** The vector that holds every pixel of every row, row-major, rows one after the other. */
    public org.apache.arrow.vector.FieldVector pixelVector() {
        return (org.apache.arrow.vector.FieldVector) getUnderlyingVector().getDataVector();
    }

    /** Row {@code index} as a list of pixel values (for debugging and small tensors). */
    @Override
    public Object getObject(int index) {
        return getUnderlyingVector().getObject(index);
    }

    @Override
    public int hashCode(int index) {
        return getUnderlyingVector().hashCode(index);
    }

    @Override
    public int hashCode(int index, ArrowBufHasher hasher) {
        return getUnderlyingVector().hashCode(index, hasher);
    }
}
