package org.daqlab.writer.hdf5;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A test file written by h5py, the reference HDF5 library, as FORMAT.md lays it out
 * (src/test/resources/readback_write_h5.py): the reader is tested against files jhdf did not write.
 * The description is built here and handed to the script as JSON.
 */
final class H5pyFile {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String SCRIPT = "/readback_write_h5.py";

    private final List<Map<String, Object>> attributes = new ArrayList<>();
    private final List<Map<String, Object>> groups = new ArrayList<>();

    /** Adds a root attribute; {@code dtype} is a numpy type name or {@code str}. */
    H5pyFile attribute(String name, String dtype, Object value) {
        attributes.add(attributeSpec(name, dtype, value));
        return this;
    }

    /**
     * Adds the group of a stream, with its {@code stream} attribute. Every dataset added to it carries
     * {@code schema} as its {@code schema} attribute, or none if {@code schema} is null.
     */
    Group group(String name, String stream, Schema schema) {
        Group group = new Group(schema);
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("name", name);
        description.put("attributes", group.attributes);
        description.put("datasets", group.datasets);
        groups.add(description);
        group.attribute("stream", "str", stream);
        return group;
    }

    /**
     * Writes the file with h5py.
     *
     * @throws AssertionError if python3 or h5py is missing, or the script fails
     */
    void write(Path file) throws IOException, InterruptedException {
        if (!Files.isExecutable(PYTHON)) {
            throw new AssertionError("the HDF5 read-back tests need " + PYTHON + " with h5py (Debian: apt-get install python3-h5py)");
        }
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("file", file.toString());
        description.put("attributes", attributes);
        description.put("groups", groups);
        Path json = file.resolveSibling(file.getFileName() + ".json");
        new ObjectMapper().writeValue(json.toFile(), description);
        String script;
        try (InputStream in = H5pyFile.class.getResourceAsStream(SCRIPT)) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Process python = new ProcessBuilder(PYTHON.toString(), "-c", script, json.toString()).start();
        python.getOutputStream().close();
        String errors = new String(python.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!python.waitFor(60, TimeUnit.SECONDS) || python.exitValue() != 0) {
            throw new AssertionError("h5py could not write " + file + (errors.contains("No module named 'h5py'")
                    ? ": python3 has no h5py (Debian: apt-get install python3-h5py)" : "") + ":\n" + errors);
        }
    }

    private static Map<String, Object> attributeSpec(String name, String dtype, Object value) {
        Map<String, Object> attribute = new LinkedHashMap<>();
        attribute.put("name", name);
        attribute.put("dtype", dtype);
        attribute.put("value", value);
        return attribute;
    }

    /**
     * A schema as FORMAT.md stores it: Arrow's JSON, with an extension column as its storage type
     * (Arrow's JSON cannot name extension types); the field metadata already carries
     * {@code ARROW:extension:name} and {@code ARROW:extension:metadata}.
     */
    private static String formatJson(Schema schema) {
        return new Schema(schema.getFields().stream().map(H5pyFile::storageField).toList(), schema.getCustomMetadata())
                .toJson();
    }

    private static Field storageField(Field field) {
        ArrowType type = field.getType() instanceof ArrowType.ExtensionType extension
                ? extension.storageType() : field.getType();
        return new Field(field.getName(), new FieldType(field.isNullable(), type, field.getDictionary(), field.getMetadata()),
                field.getChildren().stream().map(H5pyFile::storageField).toList());
    }

    /** Field metadata as FORMAT.md stores it: float64 when the text is a number, else a string. */
    private static Map<String, Object> metadataAttribute(String key, String value) {
        try {
            return attributeSpec(key, "float64", Double.parseDouble(value));
        } catch (NumberFormatException text) {
            return attributeSpec(key, "str", value);
        }
    }

    /** A stream group under construction; {@link #group} and {@link #write} continue with the file. */
    final class Group {

        private final Schema schema;
        private final List<Map<String, Object>> attributes = new ArrayList<>();
        private final List<Map<String, Object>> datasets = new ArrayList<>();

        private Group(Schema schema) {
            this.schema = schema;
        }

        /** Adds the next group to the file. */
        Group group(String name, String stream, Schema schema) {
            return H5pyFile.this.group(name, stream, schema);
        }

        /** Writes the file. */
        void write(Path file) throws IOException, InterruptedException {
            H5pyFile.this.write(file);
        }

        /** Adds a group attribute; {@code dtype} is a numpy type name or {@code str}. */
        Group attribute(String name, String dtype, Object value) {
            attributes.add(attributeSpec(name, dtype, value));
            return this;
        }

        /**
         * Adds the dataset of column {@code name} with the attributes FORMAT.md gives it: {@code schema},
         * and {@code units} plus the other metadata of the field of that name, if the schema has one.
         *
         * @param dtype  a numpy type name, {@code bool} or {@code utf8}
         * @param data   the values, nested lists for tensors
         * @param chunks the chunk shape
         */
        Group dataset(String name, String dtype, List<?> data, int... chunks) {
            List<Map<String, Object>> datasetAttributes = new ArrayList<>();
            if (schema != null) {
                datasetAttributes.add(attributeSpec("schema", "str", formatJson(schema)));
                Field field = schema.getFields().stream().filter(f -> f.getName().equals(name)).findFirst().orElse(null);
                if (field != null && field.getMetadata() != null) {
                    field.getMetadata().forEach((key, value) -> {
                        if (key.equals("unit")) {
                            datasetAttributes.add(attributeSpec("units", "str", value));
                        } else if (!key.startsWith("ARROW:")) {
                            datasetAttributes.add(metadataAttribute(key, value));
                        }
                    });
                }
            }
            Map<String, Object> dataset = new LinkedHashMap<>();
            dataset.put("name", name);
            dataset.put("dtype", dtype);
            dataset.put("data", data);
            dataset.put("chunks", chunks);
            dataset.put("attributes", datasetAttributes);
            datasets.add(dataset);
            return this;
        }
    }
}
