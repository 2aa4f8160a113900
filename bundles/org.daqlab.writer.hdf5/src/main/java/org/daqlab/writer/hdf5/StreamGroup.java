package org.daqlab.writer.hdf5;

import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One stream group of a file, checked against FORMAT.md: its description ({@link Hdf5Stream}) and
 * a loader per stored column, in schema order.
 */
final class StreamGroup {

    static final String SCHEMA = "schema";
    static final String STREAM = "stream";
    static final String UNITS = "units";

    final Hdf5Stream stream;
    final List<ColumnLoader> loaders;

    private StreamGroup(Hdf5Stream stream, List<ColumnLoader> loaders) {
        this.stream = stream;
        this.loaders = List.copyOf(loaders);
    }

    /**
     * Reads the group's attributes, the schema its datasets carry and the datasets' types and shapes.
     *
     * @throws Hdf5FormatException naming {@code file}, the group or dataset, and what is wrong
     */
    static StreamGroup read(Path file, Group group) throws Hdf5FormatException {
        String groupPath = "/" + group.getName(); // jhdf's getPath() of a group ends with a '/'
        Map<String, Dataset> datasets = new LinkedHashMap<>();
        for (Node child : group) {
            if (child instanceof Dataset dataset) {
                datasets.put(child.getName(), dataset);
            }
        }
        Schema schema = publishedSchema(file, groupPath, datasets);
        String streamName = AttributeValues.text(group, STREAM);
        if (streamName == null) {
            throw new Hdf5FormatException(file + ": " + groupPath + ": the group has no string attribute '" + STREAM
                    + "': not a daqlab stream group (FORMAT.md)");
        }
        List<Hdf5Column> columns = new ArrayList<>();
        List<Hdf5DroppedColumn> dropped = new ArrayList<>();
        List<ColumnLoader> loaders = new ArrayList<>();
        Long rows = null;
        for (Field field : schema.getFields()) {
            Dataset dataset = datasets.get(field.getName());
            String notStored = ColumnMapping.notStoredReason(field);
            if (notStored != null || dataset == null) {
                dropped.add(new Hdf5DroppedColumn(field, notStored != null ? notStored
                        : "the file has no dataset " + groupPath + "/" + field.getName()
                                + " although the writer stores " + field.getType() + " columns"));
                continue;
            }
            String where = file + ": " + dataset.getPath();
            String mismatch = ColumnMapping.mismatch(field, dataset);
            if (mismatch != null) {
                throw new Hdf5FormatException(where + ": " + mismatch);
            }
            long datasetRows = dataset.getDimensionsAsLong()[0];
            if (rows != null && rows != datasetRows) {
                throw new Hdf5FormatException(where + ": " + datasetRows + " rows, but " + columns.get(0).path()
                        + " has " + rows + ": every dataset of a stream has one row per row published");
            }
            rows = datasetRows;
            columns.add(new Hdf5Column(field.getName(), dataset.getPath(), field,
                    Arrays.stream(dataset.getDimensionsAsLong()).boxed().toList(),
                    ColumnMapping.hdf5Type(dataset.getDataType()), ColumnMapping.storage(dataset),
                    AttributeValues.text(dataset, UNITS), AttributeValues.of(dataset, Set.of(SCHEMA))));
            loaders.add(new ColumnLoader(where, dataset, field));
        }
        Hdf5Stream stream = new Hdf5Stream(group.getName(), streamName, AttributeValues.of(group, Set.of()),
                rows == null ? 0 : rows, schema, columns, dropped);
        return new StreamGroup(stream, loaders);
    }

    /** The schema every dataset of the group carries, parsed; they must all carry the same one. */
    private static Schema publishedSchema(Path file, String groupPath, Map<String, Dataset> datasets)
            throws Hdf5FormatException {
        if (datasets.isEmpty()) {
            throw new Hdf5FormatException(file + ": " + groupPath + ": the group has no datasets, so no '"
                    + SCHEMA + "' attribute: not a daqlab stream group (FORMAT.md)");
        }
        String text = null;
        String first = null;
        for (Dataset dataset : datasets.values()) {
            String schema = AttributeValues.text(dataset, SCHEMA);
            if (schema == null) {
                throw new Hdf5FormatException(file + ": " + dataset.getPath() + ": no string attribute '" + SCHEMA
                        + "' (the stream's Arrow schema as JSON): not a daqlab file (FORMAT.md)");
            }
            if (text == null) {
                text = schema;
                first = dataset.getPath();
            } else if (!text.equals(schema)) {
                throw new Hdf5FormatException(file + ": " + dataset.getPath() + ": its '" + SCHEMA
                        + "' attribute differs from the one of " + first + ": every dataset of a stream carries the same");
            }
        }
        try {
            return SchemaJson.parse(text);
        } catch (IOException | RuntimeException e) {
            throw new Hdf5FormatException(file + ": " + first + ": the '" + SCHEMA
                    + "' attribute is not an Arrow schema in JSON: " + e.getMessage(), e);
        }
    }
}
