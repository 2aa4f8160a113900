package org.daqlab.api.data;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FixedShapeTensorVectorTest {

    @Test
    void aFrameColumnKnowsItsTensorTypeWhereverItWasMade() {
        Field frame = StreamSchemas.frame("frame", 16, 480, 640);
        try (BufferAllocator allocator = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(
                     StreamSchemas.schema("camera0", "cam0", List.of(frame), Map.of()), allocator);
             FixedShapeTensorVector made = (FixedShapeTensorVector) frame.createVector(allocator)) {
            for (FixedShapeTensorVector vector : List.of((FixedShapeTensorVector) root.getVector("frame"), made)) {
                assertArrayEquals(new long[] {480, 640}, vector.tensorType().shape());
                assertEquals(frame.getFieldType(), vector.getField().getFieldType(), "the column's type and metadata, not the storage's");
                assertEquals(frame.getChildren().get(0).getType(), vector.getField().getChildren().get(0).getType());
                assertEquals("frame", vector.getName());
            }
        }
    }

    @Test
    void aFieldOfAnotherTypeIsRefused() {
        try (BufferAllocator allocator = new RootAllocator()) {
            FixedShapeTensorVector made = (FixedShapeTensorVector) StreamSchemas.frame("frame", 8, 2, 2).createVector(allocator);
            try (made) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FixedShapeTensorVector(
                        new Field("counts", FieldType.notNullable(made.tensorType().storageType()), null), allocator,
                        made.getUnderlyingVector()));
                assertEquals("field 'counts' is a " + made.tensorType().storageType() + ", not an arrow.fixed_shape_tensor",
                        e.getMessage());
            }
        }
    }
}
