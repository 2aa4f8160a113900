package org.daqlab.writer.hdf5;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * <p>The writer stores {@code Schema.toJson()}, and Arrow Java (19) writes the type of an
 * extension-typed field as {@code {"name": "<Java class name>"}}: the storage type is lost and
 * {@code Schema.fromJSON} rejects the name. The field's {@code ARROW:extension:*} metadata survives,
 * so the type is rebuilt from it: the storage of {@code arrow.fixed_shape_tensor} is by definition a
 * {@code FixedSizeList} of the product of its shape. An extension type whose storage cannot be told
 * becomes the Null type (the writer stores no dataset for it, so it is reported as dropped).
 */
final class SchemaJson {

    static final String EXTENSION_NAME = "ARROW:extension:name";
    static final String EXTENSION_METADATA = "ARROW:extension:metadata";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        FixedShapeTensorType.register();
    }

    private SchemaJson() {
    }

    /** Parses {@code json}, the text of a {@code schema} attribute. */
    static Schema parse(String json) throws IOException {
        JsonNode root = MAPPER.readTree(json);
        if (!(root instanceof ObjectNode) || !root.path("fields").isArray()) {
            throw new IOException("it is not an Arrow schema in JSON (no \"fields\" array)");
        }
        for (JsonNode field : root.get("fields")) {
            restoreStorageTypes(field);
        }
        Schema parsed = Schema.fromJSON(MAPPER.writeValueAsString(root));
        return new Schema(parsed.getFields().stream().map(SchemaJson::restoreExtensionType).toList(),
                parsed.getCustomMetadata());
    }

    /** Puts a parseable storage type in place of an extension field's unreadable type, depth first. */
    private static void restoreStorageTypes(JsonNode field) throws IOException {
        for (JsonNode child : field.path("children")) {
            restoreStorageTypes(child);
        }
        String extension = metadata(field, EXTENSION_NAME);
        if (extension == null || isArrowType(field.get("type"))) {
            return;
        }
        ObjectNode storage = MAPPER.createObjectNode();
        if (FixedShapeTensorType.EXTENSION_NAME.equals(extension)) {
            storage.put("name", "fixedsizelist").put("listSize", tensorSize(field));
        } else {
            storage.put("name", "null");
        }
        ((ObjectNode) field).set("type", storage);
    }

    private static boolean isArrowType(JsonNode type) {
        try {
            MAPPER.treeToValue(type, ArrowType.class);
            return true;
        } catch (JsonProcessingException | IllegalArgumentException notAnArrowType) {
            return false;
        }
    }

    /** The element count of a tensor field: the product of the shape in its extension metadata. */
    private static int tensorSize(JsonNode field) throws IOException {
        String extensionMetadata = metadata(field, EXTENSION_METADATA);
        JsonNode shape = extensionMetadata == null ? null : MAPPER.readTree(extensionMetadata).get("shape");
        if (shape == null || !shape.isArray() || shape.isEmpty()) {
            throw new IOException("field '" + field.path("name").asText() + "' is " + FixedShapeTensorType.EXTENSION_NAME
                    + " but its " + EXTENSION_METADATA + " has no shape: " + extensionMetadata);
        }
        long size = 1;
        for (JsonNode dimension : shape) {
            size = Math.multiplyExact(size, dimension.asLong());
        }
        return Math.toIntExact(size);
    }

    /** Turns a field carrying extension metadata back into a field of the registered extension type. */
    private static Field restoreExtensionType(Field field) {
        List<Field> children = field.getChildren().stream().map(SchemaJson::restoreExtensionType).toList();
        Map<String, String> metadata = field.getMetadata();
        String extension = metadata == null ? null : metadata.get(EXTENSION_NAME);
        ArrowType.ExtensionType registered = extension == null ? null : ExtensionTypeRegistry.lookup(extension);
        ArrowType type = field.getType();
        if (registered != null && !(type instanceof ArrowType.Null)) {
            type = registered.deserialize(type, metadata.get(EXTENSION_METADATA));
        }
        return new Field(field.getName(),
                new FieldType(field.isNullable(), type, field.getDictionary(), metadata), children);
    }

    /** The value of key {@code key} in a JSON field's {@code metadata} list of key/value objects. */
    private static String metadata(JsonNode field, String key) {
        for (JsonNode entry : field.path("metadata")) {
            if (key.equals(entry.path("key").asText(null))) {
                return entry.path("value").asText(null);
            }
        }
        return null;
    }
}
