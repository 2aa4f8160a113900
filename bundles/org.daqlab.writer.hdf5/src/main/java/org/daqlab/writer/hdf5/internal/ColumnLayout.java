package org.daqlab.writer.hdf5.internal;

import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.daqlab.api.data.FixedShapeTensorType;

import java.util.Arrays;

/**
 * How one Arrow column becomes one chunked dataset: element type, the shape of one row (empty for
 * scalars, {@code [H, W]} for frames) and how many rows a chunk holds.
 *
 * @param dataset      the dataset's name in its group
 * @param fieldIndex   the column's index in the stream schema
 * @param type         the stored element type
 * @param elementShape the shape of one row's value
 * @param chunkRows    rows per chunk
 */
record ColumnLayout(String dataset, int fieldIndex, ElementType type, long[] elementShape, int chunkRows) {

    /** Values per row: the product of the element shape (1 for scalars). */
    int valuesPerRow() {
        long n = 1;
        for (long d : elementShape) {
            n = Math.multiplyExact(n, d);
        }
        return Math.toIntExact(n);
    }

    /** Bytes per row as stored (for strings: unknown until the file is built, 0). */
    int rowBytes() {
        return Math.multiplyExact(valuesPerRow(), type.size());
    }

    /** Bytes of one chunk as stored, before filters. */
    int chunkBytes() {
        return Math.multiplyExact(rowBytes(), chunkRows);
    }

    /** The dataset shape for {@code rows} rows. */
    long[] shape(long rows) {
        long[] shape = new long[elementShape.length + 1];
        shape[0] = rows;
        System.arraycopy(elementShape, 0, shape, 1, elementShape.length);
        return shape;
    }

    /** The chunk shape. */
    int[] chunkShape() {
        int[] chunk = new int[elementShape.length + 1];
        chunk[0] = chunkRows;
        for (int i = 0; i < elementShape.length; i++) {
            chunk[i + 1] = Math.toIntExact(elementShape[i]);
        }
        return chunk;
    }

    /**
     * The layout of {@code field}, or why it cannot be stored.
     *
     * @param chunkRows      rows per chunk of 1-D columns
     * @param framesPerChunk rows per chunk of tensor columns
     * @return the layout, or {@code null} when the type is not supported (see {@link #unsupported})
     */
    static ColumnLayout of(Field field, int fieldIndex, int chunkRows, int framesPerChunk) {
        ArrowType type = field.getType();
        String dataset = datasetName(field.getName());
        if (type instanceof FixedShapeTensorType tensor) {
            ElementType element = tensorElement(field);
            if (element == null) {
                return null;
            }
            long[] shape = tensor.shape();
            long chunkBytes = (long) framesPerChunk * element.size() * Arrays.stream(shape).reduce(1, Math::multiplyExact);
            if (chunkBytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("column '" + field.getName() + "': " + framesPerChunk + " frames of "
                        + Arrays.toString(shape) + " make a chunk of " + chunkBytes + " bytes; HDF5 chunks must stay "
                        + "below 4 GiB and this writer keeps them below 2 GiB: lower frames_per_chunk");
            }
            return new ColumnLayout(dataset, fieldIndex, element, shape, framesPerChunk);
        }
        ElementType element = scalarElement(type);
        return element == null ? null : new ColumnLayout(dataset, fieldIndex, element, new long[0], chunkRows);
    }

    /** The text a writer reports for a column it skips. */
    static String unsupported(String stream, Field field) {
        return "stream '" + stream + "': column '" + field.getName() + "' of type " + field.getType()
                + " is not written to HDF5 (supported: integers, floats, bool, utf8, timestamps, "
                + "arrow.fixed_shape_tensor of numbers); the other columns are";
    }

    private static ElementType scalarElement(ArrowType type) {
        if (type instanceof ArrowType.Int i) {
            return ElementType.integer(i.getBitWidth(), i.getIsSigned());
        }
        if (type instanceof ArrowType.FloatingPoint f) {
            return f.getPrecision() == FloatingPointPrecision.HALF ? ElementType.FLOAT16
                    : f.getPrecision() == FloatingPointPrecision.SINGLE ? ElementType.FLOAT32 : ElementType.FLOAT64;
        }
        if (type instanceof ArrowType.Bool) {
            return ElementType.BOOL;
        }
        if (type instanceof ArrowType.Utf8) {
            return ElementType.UTF8;
        }
        if (type instanceof ArrowType.Timestamp) {
            return ElementType.INT64;
        }
        return null;
    }

    private static ElementType tensorElement(Field field) {
        if (field.getChildren().size() != 1) {
            return null;
        }
        ElementType element = scalarElement(field.getChildren().get(0).getType());
        return element == null || element == ElementType.UTF8 || element == ElementType.BOOL ? null : element;
    }

    /** HDF5 names cannot contain '/' and '.' alone means the group itself. */
    private static String datasetName(String column) {
        String name = column.replace('/', '_');
        return name.equals(".") ? "_" : name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ColumnLayout c && dataset.equals(c.dataset) && fieldIndex == c.fieldIndex
                && type == c.type && Arrays.equals(elementShape, c.elementShape) && chunkRows == c.chunkRows;
    }

    @Override
    public int hashCode() {
        return dataset.hashCode() * 31 + Arrays.hashCode(elementShape);
    }

    @Override
    public String toString() {
        return dataset + " " + type + Arrays.toString(elementShape) + " chunk " + chunkRows;
    }
}
