package org.daqlab.writer.hdf5;

import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.ExtensionTypeRegistry;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.FixedShapeTensorType;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code schema} attribute back into the {@link Schema} that was published.
 *
 * <p>Arrow's JSON form cannot name extension types, so the writer stores an extension column as its
 * storage type with the field metadata {@code ARROW:extension:name} and
 * {@code ARROW:extension:metadata} (FORMAT.md). {@code Schema.fromJSON} keeps it that way (unlike
 * the IPC reader, it does not consult Arrow's extension registry), so each such field is turned back
 * into its registered extension type here; an unregistered extension stays its storage type.
 */
final class SchemaJson {

    static final String EXTENSION_NAME = "ARROW:extension:name";
    static final String EXTENSION_METADATA = "ARROW:extension:metadata";

    static {
        FixedShapeTensorType.register();
    }

    private SchemaJson() {
    }

    /** Parses {@code json}, the text of a {@code schema} attribute. */
    static Schema parse(String json) throws IOException {
        Schema stored = Schema.fromJSON(json);
        return new Schema(stored.getFields().stream().map(SchemaJson::withExtensionType).toList(),
                stored.getCustomMetadata());
    }

    private static Field withExtensionType(Field field) {
        List<Field> children = field.getChildren().stream().map(SchemaJson::withExtensionType).toList();
        Map<String, String> metadata = field.getMetadata();
        String extension = metadata == null ? null : metadata.get(EXTENSION_NAME);
        ArrowType.ExtensionType registered = extension == null ? null : ExtensionTypeRegistry.lookup(extension);
        ArrowType type = registered == null ? field.getType()
                : registered.deserialize(field.getType(), metadata.get(EXTENSION_METADATA));
        return new Field(field.getName(), new FieldType(field.isNullable(), type, field.getDictionary(), metadata),
                children);
    }
}
