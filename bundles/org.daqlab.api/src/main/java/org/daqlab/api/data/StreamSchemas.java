package org.daqlab.api.data;

import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Conventions every daqlab stream schema follows, and helpers to build such schemas.
 *
 * <p>A stream schema starts with {@value #TIMESTAMP_NS} (int64, nanoseconds since the Unix epoch,
 * UTC). Field metadata carries {@value #UNIT} and, for ADC channels, {@value #RANGE_MIN} and
 * {@value #RANGE_MAX}; schema metadata carries {@value #STREAM}, {@value #INSTRUMENT_ID} and the
 * instrument's metadata at the time the stream was opened.
 */
public final class StreamSchemas {

    /** The timestamp column every batch carries: int64 nanoseconds since the Unix epoch, UTC. */
    public static final String TIMESTAMP_NS = "timestamp_ns";
    /** Field metadata key: the physical unit of a column ("W", "V", "nm", …). */
    public static final String UNIT = "unit";
    /** Field metadata key: lower bound of an ADC channel's input range, in its unit. */
    public static final String RANGE_MIN = "range_min";
    /** Field metadata key: upper bound of an ADC channel's input range, in its unit. */
    public static final String RANGE_MAX = "range_max";
    /** Schema metadata key: the stream's name. */
    public static final String STREAM = "stream";
    /** Schema metadata key: the id of the instrument that produces the stream. */
    public static final String INSTRUMENT_ID = "instrument_id";

    private StreamSchemas() {
    }

    /** The mandatory {@value #TIMESTAMP_NS} field. */
    public static Field timestampField() {
        return new Field(TIMESTAMP_NS,
                FieldType.notNullable(new ArrowType.Int(64, true)), null);
    }

    /** A non-nullable float64 field with a unit (and no range). */
    public static Field float64(String name, String unit) {
        return new Field(name, new FieldType(false,
                new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), null, unitMetadata(unit)), null);
    }

    /** A non-nullable float64 field with a unit and an input range (ADC channels). */
    public static Field float64(String name, String unit, double rangeMin, double rangeMax) {
        Map<String, String> metadata = unitMetadata(unit);
        metadata.put(RANGE_MIN, Double.toString(rangeMin));
        metadata.put(RANGE_MAX, Double.toString(rangeMax));
        return new Field(name, new FieldType(false,
                new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), null, metadata), null);
    }

    /** A non-nullable int64 field without unit (counters, frame numbers). */
    public static Field int64(String name) {
        return new Field(name, FieldType.notNullable(new ArrowType.Int(64, true)), null);
    }

    /** A non-nullable utf8 field. */
    public static Field utf8(String name) {
        return new Field(name, FieldType.notNullable(ArrowType.Utf8.INSTANCE), null);
    }

    /**
     * A frame column of the canonical {@code arrow.fixed_shape_tensor} type with shape
     * {@code [height, width]} and unsigned pixels of {@code bitDepth} 8 or 16.
     */
    public static Field frame(String name, int bitDepth, int height, int width) {
        return FixedShapeTensorType.field(name, bitDepth, height, width);
    }

    /**
     * Builds a stream schema: the timestamp field first, then {@code fields}; stream name,
     * instrument id and {@code instrumentMetadata} go into the schema metadata.
     *
     * @throws IllegalArgumentException if a field is called {@value #TIMESTAMP_NS} or two fields share a name
     */
    public static Schema schema(String stream, String instrumentId, List<Field> fields,
            Map<String, String> instrumentMetadata) {
        List<Field> all = new ArrayList<>(fields.size() + 1);
        all.add(timestampField());
        all.addAll(fields);
        Map<String, String> metadata = new LinkedHashMap<>(instrumentMetadata);
        metadata.put(STREAM, stream);
        metadata.put(INSTRUMENT_ID, instrumentId);
        Schema schema = new Schema(all, metadata);
        validate(schema);
        return schema;
    }

    /**
     * Checks that a schema follows the conventions: a non-nullable int64 {@value #TIMESTAMP_NS}
     * column and unique, non-empty field names.
     *
     * @throws IllegalArgumentException naming the offending field and what to change
     */
    public static void validate(Schema schema) {
        Field ts = null;
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Field field : schema.getFields()) {
            if (field.getName() == null || field.getName().isEmpty()) {
                throw new IllegalArgumentException("schema has a field without a name: give every column a name");
            }
            if (!names.add(field.getName())) {
                throw new IllegalArgumentException("schema has two fields named '" + field.getName()
                        + "': column names must be unique within a stream");
            }
            if (TIMESTAMP_NS.equals(field.getName())) {
                ts = field;
            }
        }
        if (ts == null) {
            throw new IllegalArgumentException("schema has no '" + TIMESTAMP_NS
                    + "' column: add StreamSchemas.timestampField() (int64 ns since the Unix epoch, UTC)");
        }
        if (!new ArrowType.Int(64, true).equals(ts.getType())) {
            throw new IllegalArgumentException("column '" + TIMESTAMP_NS + "' is " + ts.getType()
                    + ": it must be int64 nanoseconds since the Unix epoch, UTC");
        }
    }

    /** The unit recorded in a field's metadata, or {@code null}. */
    public static String unit(Field field) {
        Map<String, String> metadata = field.getMetadata();
        return metadata == null ? null : metadata.get(UNIT);
    }

    /**
     * A column as writers describe it in their metadata documents (sidecars, key-value metadata):
     * {@code name}, {@code type} (Arrow's text), {@code unit} if it has one, and {@code range_min} /
     * {@code range_max} if given — as numbers, or as the text a driver wrote if it is not one.
     */
    public static Map<String, Object> columnDocument(Field field) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("name", field.getName());
        document.put("type", field.getType().toString());
        String unit = unit(field);
        if (unit != null) {
            document.put(UNIT, unit);
        }
        Map<String, String> metadata = field.getMetadata() == null ? Map.of() : field.getMetadata();
        for (String key : List.of(RANGE_MIN, RANGE_MAX)) {
            String text = metadata.get(key);
            if (text != null) {
                document.put(key, number(text));
            }
        }
        return document;
    }

    private static Object number(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return text;
        }
    }

    /** Whether a field is a frame column ({@code arrow.fixed_shape_tensor}). */
    public static boolean isFrame(Field field) {
        return field.getType() instanceof FixedShapeTensorType
                || FixedShapeTensorType.EXTENSION_NAME.equals(
                        field.getMetadata() == null ? null : field.getMetadata().get("ARROW:extension:name"));
    }

    /** An instant as {@value #TIMESTAMP_NS}: nanoseconds since the Unix epoch. */
    public static long timestampNs(java.time.Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }

    private static Map<String, String> unitMetadata(String unit) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (unit != null) {
            metadata.put(UNIT, unit);
        }
        return metadata;
    }

    /**
     * Whether two schemas have the same columns: names, types and nested types in the same order.
     * Metadata (units, instrument metadata) may differ; a writer need not start anew for it.
     */
    public static boolean sameColumns(Schema a, Schema b) {
        List<Field> fa = a.getFields();
        List<Field> fb = b.getFields();
        if (fa.size() != fb.size()) {
            return false;
        }
        for (int i = 0; i < fa.size(); i++) {
            if (!sameColumn(fa.get(i), fb.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameColumn(Field a, Field b) {
        if (!a.getName().equals(b.getName()) || !a.getType().equals(b.getType())
                || a.getChildren().size() != b.getChildren().size()) {
            return false;
        }
        for (int i = 0; i < a.getChildren().size(); i++) {
            if (!sameColumn(a.getChildren().get(i), b.getChildren().get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The columns of a schema for messages: {@code [timestamp_ns: Int(64, true), power: FloatingPoint(DOUBLE)]}. */
    public static String columnList(Schema schema) {
        return schema.getFields().stream().map(f -> f.getName() + ": " + f.getType())
                .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }
}
