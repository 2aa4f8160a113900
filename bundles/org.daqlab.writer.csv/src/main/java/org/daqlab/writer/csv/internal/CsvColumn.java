package org.daqlab.writer.csv.internal;

import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.daqlab.api.data.FixedShapeTensorType;
import org.daqlab.api.data.StreamSchemas;

/**
 * How one column of a stream goes into CSV, decided once per stream from its Arrow field: either
 * {@link Written} with the formatter for its values, or {@link Skipped} with the reason.
 */
sealed interface CsvColumn permits CsvColumn.Written, CsvColumn.Skipped {

    /** The column's Arrow field. */
    Field field();

    /**
     * A column that is written.
     *
     * @param field      the Arrow field
     * @param batchIndex position of the column in the stream's batches
     * @param formatter  text of its values
     */
    record Written(Field field, int batchIndex, ValueFormatter formatter) implements CsvColumn {
    }

    /**
     * A column that is not written.
     *
     * @param field  the Arrow field
     * @param kind   what the column is, as people know it ({@code arrow.fixed_shape_tensor}, {@code Struct})
     * @param advice what to use instead
     */
    record Skipped(Field field, String kind, String advice) implements CsvColumn {

        /** The reason, for the sidecar. */
        String reason() {
            return kind + " is not written to CSV; " + advice;
        }

        /** The notice reported once through the run context. */
        String notice(String stream) {
            return stream + ": column '" + field.getName() + "' (" + kind + ") is not written to CSV; " + advice;
        }
    }

    /** Decides how the column {@code field}, at {@code batchIndex} in the batches, is written. */
    static CsvColumn of(Field field, int batchIndex) {
        ArrowType type = field.getType();
        if (StreamSchemas.isFrame(field)) {
            return new Skipped(field, FixedShapeTensorType.EXTENSION_NAME, "use the HDF5, Zarr or TIFF writer for frames");
        }
        if (type instanceof ArrowType.ExtensionType extension) {
            return new Skipped(field, extension.extensionName(), "use the Parquet or Arrow writer for extension types");
        }
        if (type.isComplex()) {
            return new Skipped(field, type.getTypeID().name(), "use the Parquet or Arrow writer for nested columns");
        }
        return ValueFormatters.forType(type)
                .<CsvColumn>map(formatter -> new Written(field, batchIndex, formatter))
                .orElseGet(() -> new Skipped(field, type.getTypeID().name(),
                        "use the Parquet or Arrow writer for columns without a text form"));
    }
}
