package org.daqlab.writer.hdf5;

import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.osgi.annotation.versioning.ProviderType;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One stream of a file: the group {@code /<group>} with its attributes (instrument metadata), the
 * schema the stream was published with, and its columns.
 *
 * @param group          the group name: the stream name, or {@code <stream>.schema2}, … for the batches
 *                       that came after a schema change
 * @param stream         the stream name (the group's {@code stream} attribute)
 * @param attributes     every attribute of the group ({@code stream}, {@code instrument_id},
 *                       {@code created_at}, instrument metadata), in file order
 * @param rowCount       rows of the stream in this file (every dataset of the group has as many)
 * @param schema         the Arrow schema exactly as published (the datasets' {@code schema} attribute),
 *                       including fields the file holds no dataset for
 * @param columns        the columns stored as datasets, in schema order
 * @param droppedColumns the fields of {@code schema} without a dataset, in schema order, each with
 *                       the reason; batches read back leave them out
 */
@ProviderType
public record Hdf5Stream(String group, String stream, Map<String, Object> attributes, long rowCount, Schema schema,
        List<Hdf5Column> columns, List<Hdf5DroppedColumn> droppedColumns) {

    public Hdf5Stream {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        columns = List.copyOf(columns);
        droppedColumns = List.copyOf(droppedColumns);
    }

    /**
     * The schema of the batches read back: {@link #schema()} without the {@link #droppedColumns()},
     * with the same schema metadata.
     */
    public Schema batchSchema() {
        List<Field> stored = columns.stream().map(Hdf5Column::field).toList();
        return new Schema(stored, schema.getCustomMetadata());
    }

    /** The column called {@code name}, if the file stores it. */
    public Optional<Hdf5Column> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
