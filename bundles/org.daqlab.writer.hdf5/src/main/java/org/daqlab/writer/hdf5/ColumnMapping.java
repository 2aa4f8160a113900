package org.daqlab.writer.hdf5;

import io.jhdf.api.Dataset;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.filter.PipelineFilterWithData;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.datatype.StringData;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.daqlab.api.data.FixedShapeTensorType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * FORMAT.md's table of Arrow types and the datasets that hold them, read backwards: which fields
 * have a dataset, and whether a dataset's HDF5 type and shape are the ones its field calls for.
 */
final class ColumnMapping {

    /** Strings of any width: a utf8 column's dataset is as wide as its longest value. */
    private static final String FIXED_LENGTH_STRING = "fixed-length string";

    private ColumnMapping() {
    }

    /** Why the writer stores no dataset for {@code field}, or {@code null} if it stores one. */
    static String notStoredReason(Field field) {
        String extension = field.getMetadata() == null ? null : field.getMetadata().get(SchemaJson.EXTENSION_NAME);
        if (field.getType() instanceof FixedShapeTensorType) {
            ArrowType element = elementType(field);
            return element instanceof ArrowType.Int || element instanceof ArrowType.FloatingPoint ? null
                    : "a tensor of " + element + " is not stored: tensors of integers or floats are (FORMAT.md)";
        }
        if (extension != null) {
            return "extension type " + extension + " is not stored in HDF5 files (FORMAT.md)";
        }
        return ElementCopier.forType(field.getType()) != null ? null
                : "type " + field.getType() + " is not stored in HDF5 files (FORMAT.md lists the types that are)";
    }

    /**
     * What is wrong with {@code dataset} as the column of {@code field} (a stored type), or
     * {@code null} if its HDF5 type and shape are those FORMAT.md gives.
     */
    static String mismatch(Field field, Dataset dataset) {
        ArrowType element = elementType(field);
        String expected = expectedType(element);
        DataType actual = dataset.getDataType();
        if (!expected.equals(actual instanceof StringData ? FIXED_LENGTH_STRING : hdf5Type(actual))) {
            return "it is " + hdf5Type(actual) + " but field '" + field.getName() + "' ("
                    + field.getType() + ") is stored as " + expected;
        }
        long[] dimensions = dataset.getDimensionsAsLong();
        long[] itemShape = field.getType() instanceof FixedShapeTensorType tensor ? tensor.shape() : new long[0];
        if (dimensions.length != 1 + itemShape.length
                || !Arrays.equals(Arrays.copyOfRange(dimensions, 1, dimensions.length), itemShape)) {
            String expectedShape = itemShape.length == 0 ? "[rows]" : "[rows, " + Arrays.toString(itemShape).substring(1);
            return "its shape is " + Arrays.toString(dimensions) + " but field '" + field.getName() + "' ("
                    + field.getType() + ") is stored with shape " + expectedShape;
        }
        return null;
    }

    /** The type of one stored value: the field's type, or a tensor's element type. */
    static ArrowType elementType(Field field) {
        return field.getType() instanceof FixedShapeTensorType ? field.getChildren().get(0).getType() : field.getType();
    }

    /**
     * An HDF5 element type in the words of FORMAT.md and h5py: {@code int64}, {@code uint16},
     * {@code float32}, {@code string(12 bytes, UTF-8)}, …
     */
    static String hdf5Type(DataType type) {
        if (type instanceof FixedPoint fixed) {
            return (fixed.isSigned() ? "int" : "uint") + fixed.getSize() * 8;
        }
        if (type instanceof FloatingPoint) {
            return "float" + type.getSize() * 8;
        }
        if (type instanceof StringData string) {
            return "string(" + string.getSize() + " bytes, " + string.getCharset() + ")";
        }
        return type.getClass().getSimpleName() + " (HDF5 class " + type.getDataClass() + ")";
    }

    /** How a dataset is stored: chunk shape and filters. */
    static String storage(Dataset dataset) {
        List<String> parts = new ArrayList<>();
        parts.add(dataset instanceof ChunkedDataset chunked
                ? "chunks " + Arrays.toString(chunked.getChunkDimensions())
                : dataset.getDataLayout().toString().toLowerCase(Locale.ROOT));
        for (PipelineFilterWithData filter : dataset.getFilters()) {
            parts.add(filter.getId() == 1 && filter.getFilterData().length > 0
                    ? "deflate " + filter.getFilterData()[0] : filter.getName());
        }
        return String.join(", ", parts);
    }

    /** The HDF5 type FORMAT.md stores values of {@code element} as, named as {@link #hdf5Type} names it. */
    private static String expectedType(ArrowType element) {
        if (element instanceof ArrowType.Int integer) {
            return (integer.getIsSigned() ? "int" : "uint") + integer.getBitWidth();
        }
        if (element instanceof ArrowType.FloatingPoint floating) {
            return switch (floating.getPrecision()) {
                case HALF -> "float16";
                case SINGLE -> "float32";
                case DOUBLE -> "float64";
            };
        }
        if (element instanceof ArrowType.Bool) {
            return "uint8";
        }
        if (element instanceof ArrowType.Timestamp) {
            return "int64";
        }
        return FIXED_LENGTH_STRING; // Utf8: the only other stored type
    }
}
