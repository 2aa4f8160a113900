package org.daqlab.api.data;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.hash.ArrowBufHasher;
import org.apache.arrow.vector.ExtensionTypeVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * A column of {@link FixedShapeTensorType} values (frames). The pixels of all rows are one
 * contiguous buffer: {@link #pixelVector()}'s data buffer, row {@code i} starting at
 * {@code i * elementCount * bytesPerValue}.
 */
public final class FixedShapeTensorVector extends ExtensionTypeVector<FixedSizeListVector> {

    /** The column's type and metadata: Arrow's {@link ExtensionTypeVector} would answer the storage's. */
    private final FieldType fieldType;

    /**
     * Wraps {@code storage}; normally created through {@link FixedShapeTensorType#getNewVector}.
     *
     * @param field the column's field, whose type is a {@link FixedShapeTensorType}
     * @throws IllegalArgumentException if the field's type is not a {@link FixedShapeTensorType}
     */
    public FixedShapeTensorVector(Field field, BufferAllocator allocator, FixedSizeListVector storage) {
        super(field, allocator, storage);
        if (!(field.getType() instanceof FixedShapeTensorType)) {
            throw new IllegalArgumentException("field '" + field.getName() + "' is a " + field.getType()
                    + ", not an " + FixedShapeTensorType.EXTENSION_NAME);
        }
        this.fieldType = field.getFieldType();
    }

    /** The column's field: its extension type, with the storage's children (set when the vector is initialized). */
    @Override
    public Field getField() {
        return new Field(getName(), fieldType, getUnderlyingVector().getField().getChildren());
    }

    /** The tensor type of this column. */
    public FixedShapeTensorType tensorType() {
        return (FixedShapeTensorType) fieldType.getType();
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
