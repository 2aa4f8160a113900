package org.daqlab.writer.zarr.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.FixedShapeTensorType;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.MetadataState;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.StreamDescriptor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The group of one stream in a store: an array per column that Zarr can hold, all with the same
 * length along {@code time}; columns it cannot hold are reported once and listed in the group's
 * attributes. The group takes batches of one schema: a stream whose columns change continues in a
 * new group ({@code <stream>.schema2}, …).
 */
final class StreamGroup {

    /** The leading dimension of every array: one row per row published. */
    static final String TIME = "time";

    final String name;
    final Path directory;
    /** The schema of the batches this group takes. */
    final Schema sourceSchema;
    final List<ZarrArray> arrays = new ArrayList<>();
    /** The schema object of the last batch found to match {@link #sourceSchema}: the core reuses one per stream. */
    Schema checked;
    /** The stream's descriptor as last described (its instrument metadata). */
    StreamDescriptor descriptor;
    boolean attributesStale;
    private final StoreContext context;
    /** Index in the batch of each array's column. */
    private final int[] columns;
    private final Map<String, String> notWritten = new LinkedHashMap<>();
    private final String createdAt;

    /**
     * Creates the group with its arrays and writes their metadata.
     *
     * @param name node name of the group in the root
     */
    StreamGroup(StoreContext context, String name, StreamDescriptor descriptor, MetadataState metadata)
            throws IOException {
        this.context = context;
        this.name = name;
        this.directory = context.store().root.resolve(name);
        this.sourceSchema = descriptor.schema();
        this.descriptor = descriptor;
        this.createdAt = Attributes.isoTime(StreamSchemas.timestampNs(Instant.now()));
        context.store().createDirectory(directory);
        NodeNames names = new NodeNames();
        Map<String, Long> dimensionSizes = new HashMap<>();
        dimensionSizes.put(TIME, -1L);
        List<Integer> kept = new ArrayList<>();
        List<Field> fields = sourceSchema.getFields();
        for (int i = 0; i < fields.size(); i++) {
            Field field = fields.get(i);
            ColumnLayout layout;
            try {
                layout = ColumnLayout.of(field);
            } catch (UnsupportedOperationException e) {
                notWritten.put(field.getName(), field.getType().toString());
                context.notices().accept("stream '" + descriptor.stream() + "': column '" + field.getName() + "' ("
                        + field.getType() + ") is not written to Zarr stores: " + e.getMessage());
                continue;
            }
            String arrayName = names.claim(field.getName());
            String[] dimensions = dimensions(arrayName, layout, dimensionSizes);
            arrays.add(new ZarrArray(context, descriptor.stream(), field.getName(), name + "/" + arrayName,
                    directory.resolve(arrayName), layout, dimensions, arrayAttributes(field, arrayName, layout)));
            kept.add(i);
        }
        this.columns = kept.stream().mapToInt(Integer::intValue).toArray();
        writeAttributes(metadata);
    }

    /**
     * {@code time}, then {@code y, x} for a frame; a second tensor column of another shape gets
     * names of its own ({@code <array>_y}, …), so that xarray sees one size per dimension name.
     */
    private static String[] dimensions(String array, ColumnLayout layout, Map<String, Long> sizes) {
        long[] shape = layout.rowShape();
        String[] dimensions = new String[shape.length + 1];
        dimensions[0] = TIME;
        for (int d = 0; d < shape.length; d++) {
            String base = shape.length == 2 ? (d == 0 ? "y" : "x") : "dim" + (d + 1);
            String dimension = shape.length == 2 ? base : array + "_" + base;
            Long size = sizes.get(dimension);
            if (size != null && size != shape[d]) {
                dimension = array + "_" + base;
            }
            sizes.put(dimension, shape[d]);
            dimensions[d + 1] = dimension;
        }
        return dimensions;
    }

    /** Units, ranges and the other field metadata; for timestamps, their unit and epoch as CF {@code units}. */
    private ObjectNode arrayAttributes(Field field, String arrayName, ColumnLayout layout) {
        ObjectNode attributes = context.mapper().createObjectNode();
        if (!arrayName.equals(field.getName())) {
            attributes.put("column", field.getName());
        }
        if (layout.timeUnit() != null || field.getName().equals(StreamSchemas.TIMESTAMP_NS)) {
            // CF conventions: xarray decodes such an array to datetime64
            attributes.put("units", timeUnits(layout.timeUnit() == null ? TimeUnit.NANOSECOND : layout.timeUnit())
                    + " since 1970-01-01T00:00:00" + (layout.timeUnit() != null && layout.timeZone() == null ? "" : "Z"));
            if (layout.timeZone() != null) {
                attributes.put("timezone", layout.timeZone());
            }
        }
        Map<String, String> metadata = field.getMetadata() == null ? Map.of() : field.getMetadata();
        String unit = metadata.get(StreamSchemas.UNIT);
        if (unit != null && !attributes.has("units")) {
            attributes.put("units", unit);
        }
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            String key = entry.getKey();
            if (key.startsWith("ARROW:") || key.equals(StreamSchemas.UNIT)) {
                continue; // the extension type is the array's shape; the unit is units
            }
            attributes.set(attributes.has(key) ? "metadata." + key : key, Attributes.text(entry.getValue()));
        }
        return attributes;
    }

    private static String timeUnits(TimeUnit unit) {
        return switch (unit) {
            case SECOND -> "seconds";
            case MILLISECOND -> "milliseconds";
            case MICROSECOND -> "microseconds";
            case NANOSECOND -> "nanoseconds";
        };
    }

    /** Appends a batch of {@link #sourceSchema}'s columns to every array. */
    void append(VectorSchemaRoot batch) throws IOException {
        int rows = batch.getRowCount();
        for (int a = 0; a < arrays.size(); a++) {
            arrays.get(a).append(batch.getVector(columns[a]), rows);
        }
    }

    /** Rows of the group (every array has as many). */
    long rows() {
        return arrays.isEmpty() ? 0 : arrays.get(0).rows();
    }

    /** Whether {@code update} changes this group's attributes. */
    boolean concerns(MetadataUpdate update) {
        return MetadataState.concerns(update, descriptor);
    }

    /** Writes the group's metadata (v3 zarr.json; v2 .zgroup and .zattrs) with its attributes as they stand. */
    void writeAttributes(MetadataState metadata) throws IOException {
        ObjectNode attributes = context.mapper().createObjectNode();
        attributes.put("stream", descriptor.stream());
        attributes.put("instrument_id", descriptor.instrumentId());
        attributes.put("created_at", createdAt);
        try {
            attributes.set("arrow_schema", context.mapper().readTree(sourceSchema.toJson()));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // Arrow's own JSON always parses
        }
        if (!notWritten.isEmpty()) {
            ObjectNode skipped = attributes.putObject("columns_not_written");
            notWritten.forEach(skipped::put);
        }
        attributes.set("metadata_changes", Attributes.value(metadata.changeDocuments(descriptor)));
        Attributes.putAll(attributes, metadata.instrumentMetadata(descriptor));
        try {
            RootGroup.writeGroup(context, directory, attributes);
        } catch (IOException e) {
            throw new IOException("writing the metadata of group " + directory + " (stream '" + descriptor.stream()
                    + "') failed: " + ZarrArray.reason(e), e);
        }
        attributesStale = false;
    }

    /** What changed between two schemas of a stream, for a message: a frame's shape, or the columns. */
    static String change(Schema before, Schema after) {
        List<Field> a = before.getFields();
        List<Field> b = after.getFields();
        List<String> reshaped = new ArrayList<>();
        for (int i = 0; i < a.size() && a.size() == b.size(); i++) {
            Field x = a.get(i);
            Field y = b.get(i);
            if (StreamSchemas.sameColumns(new Schema(List.of(x)), new Schema(List.of(y)))) {
                continue;
            }
            if (!(x.getName().equals(y.getName()) && x.getType() instanceof FixedShapeTensorType from
                    && y.getType() instanceof FixedShapeTensorType to
                    && StreamSchemas.sameColumns(new Schema(x.getChildren()), new Schema(y.getChildren())))) {
                reshaped.clear();
                break;
            }
            reshaped.add("column '" + x.getName() + "' changed its frame shape from " + Arrays.toString(from.shape())
                    + " to " + Arrays.toString(to.shape()));
        }
        return reshaped.isEmpty()
                ? "changed its columns from " + StreamSchemas.columnList(before) + " to " + StreamSchemas.columnList(after)
                : String.join(", ", reshaped);
    }
}
