package org.daqlab.writer.hdf5.internal;

import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code schema} attribute: the stream's Arrow schema as JSON. Arrow's JSON form cannot name
 * extension types, so an extension column is written as its storage type with the field metadata
 * {@code ARROW:extension:name} and {@code ARROW:extension:metadata}, exactly as the Arrow IPC format
 * carries it; {@code Schema.fromJSON} reads it back and Arrow's extension registry restores the type.
 */
final class SchemaJson {

    static final String EXTENSION_NAME = "ARROW:extension:name";
    static final String EXTENSION_METADATA = "ARROW:extension:metadata";
    /** An attribute message in an object header has a 16-bit size: the JSON must stay below it, with room for the rest. */
    static final int MAX_ATTRIBUTE_BYTES = 60_000;

    private SchemaJson() {
    }

    static String of(Schema schema) {
        return new Schema(schema.getFields().stream().map(SchemaJson::storageField).toList(), schema.getCustomMetadata())
                .toJson();
    }

    private static Field storageField(Field field) {
        List<Field> children = field.getChildren().stream().map(SchemaJson::storageField).toList();
        if (!(field.getType() instanceof ArrowType.ExtensionType extension)) {
            return new Field(field.getName(), field.getFieldType(), children);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        if (field.getMetadata() != null) {
            metadata.putAll(field.getMetadata());
        }
        metadata.put(EXTENSION_NAME, extension.extensionName());
        metadata.put(EXTENSION_METADATA, extension.serialize());
        return new Field(field.getName(), new FieldType(field.isNullable(), extension.storageType(),
                field.getDictionary(), metadata), children);
    }
}
