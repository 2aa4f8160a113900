package org.daqlab.api.data;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.ExtensionTypeRegistry;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Arrow's canonical extension type {@code arrow.fixed_shape_tensor}, used for camera frames: the
 * storage is {@code FixedSizeList<uint8|uint16>[H*W]} and the extension metadata is
 * {@code {"shape":[H,W]}} (row-major), so any Arrow reader (pyarrow, arrow-js, arrow-rs) recognises
 * an image column.
 *
 * <p>As with {@code FixedSizeList} itself, the value type is not part of the type but of the
 * field's single child ({@code item}); {@link #valueType(Field)} reads it. The type registers itself
 * with Arrow's {@link ExtensionTypeRegistry} when this class loads, so an IPC stream that carries
 * such a column decodes back to this type.
 */
public final class FixedShapeTensorType extends ArrowType.ExtensionType {

    /** The canonical extension name. */
    public static final String EXTENSION_NAME = "arrow.fixed_shape_tensor";

    private static final Pattern SHAPE = Pattern.compile("\"shape\"\\s*:\\s*\\[([0-9,\\s]*)]");

    static {
        ExtensionTypeRegistry.register(new FixedShapeTensorType(new long[] {1}));
    }

    private final long[] shape;

    /** @param shape the tensor shape, {@code [height, width]} for a frame; every dimension positive */
    public FixedShapeTensorType(long[] shape) {
        if (shape.length == 0 || Arrays.stream(shape).anyMatch(d -> d <= 0)) {
            throw new IllegalArgumentException("tensor shape " + Arrays.toString(shape) + " must have positive dimensions");
        }
        this.shape = shape.clone();
        elementCount(); // rejects shapes whose product overflows an int
    }

    /** Makes sure the type is registered with Arrow before a stream carrying it is decoded. */
    public static void register() {
        // the static initializer does the work
    }

    /** A frame field: unsigned pixels of {@code bitDepth} 8 or 16, shape {@code [height, width]}. */
    public static Field field(String name, int bitDepth, int height, int width) {
        if (bitDepth != 8 && bitDepth != 16) {
            throw new IllegalArgumentException("frame '" + name + "': bit depth " + bitDepth + " is not supported, use 8 or 16");
        }
        FixedShapeTensorType type = new FixedShapeTensorType(new long[] {height, width});
        Field item = new Field("item", FieldType.notNullable(new ArrowType.Int(bitDepth, false)), null);
        return new Field(name, FieldType.notNullable(type), java.util.List.of(item)); // qualified: ArrowType.List shadows it
    }

    /** The element type of a tensor field (its only child), e.g. uint16. */
    public static ArrowType.Int valueType(Field field) {
        if (field.getChildren().size() != 1 || !(field.getChildren().get(0).getType() instanceof ArrowType.Int t)) {
            throw new IllegalArgumentException("field '" + field.getName() + "' is not an integer tensor");
        }
        return t;
    }

    /** The tensor shape ({@code [height, width]} for frames); a copy. */
    public long[] shape() {
        return shape.clone();
    }

    /** Number of values in one tensor: the product of the shape. */
    public int elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return Math.toIntExact(n);
    }

    @Override
    public ArrowType storageType() {
        return new ArrowType.FixedSizeList(elementCount());
    }

    @Override
    public String extensionName() {
        return EXTENSION_NAME;
    }

    @Override
    public boolean extensionEquals(ExtensionType other) {
        return other instanceof FixedShapeTensorType o && Arrays.equals(o.shape, shape);
    }

    @Override
    public String serialize() {
        StringBuilder json = new StringBuilder("{\"shape\":[");
        for (int i = 0; i < shape.length; i++) {
            json.append(i == 0 ? "" : ",").append(shape[i]);
        }
        return json.append("]}").toString();
    }

    @Override
    public ArrowType deserialize(ArrowType storageType, String serializedData) {
        if (!(storageType instanceof ArrowType.FixedSizeList list)) {
            throw new IllegalArgumentException(EXTENSION_NAME + " needs FixedSizeList storage, not " + storageType);
        }
        Matcher m = SHAPE.matcher(serializedData);
        if (!m.find()) {
            throw new IllegalArgumentException(EXTENSION_NAME + " metadata has no shape: " + serializedData);
        }
        long[] parsed = Arrays.stream(m.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        FixedShapeTensorType type = new FixedShapeTensorType(parsed);
        if (type.elementCount() != list.getListSize()) {
            throw new IllegalArgumentException(EXTENSION_NAME + " shape " + Arrays.toString(parsed)
                    + " does not match the list size " + list.getListSize());
        }
        return type;
    }

    @Override
    public FieldVector getNewVector(String name, FieldType fieldType, BufferAllocator allocator) {
        FixedSizeListVector storage = new FixedSizeListVector(name, allocator,
                new FieldType(fieldType.isNullable(), storageType(), fieldType.getDictionary(), fieldType.getMetadata()), null);
        return new FixedShapeTensorVector(new Field(name, fieldType, null), allocator, storage);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FixedShapeTensorType t && extensionEquals(t);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return EXTENSION_NAME + Arrays.toString(shape);
    }
}
