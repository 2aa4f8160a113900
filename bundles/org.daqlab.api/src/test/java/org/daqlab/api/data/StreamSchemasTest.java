package org.daqlab.api.data;

import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StreamSchemasTest {

    @Test
    void columnDocumentHasNameTypeUnitAndRangesAsNumbers() {
        assertEquals(List.of("name", "type", "unit", "range_min", "range_max"),
                List.copyOf(StreamSchemas.columnDocument(StreamSchemas.float64("ch2", "V", -10, 10)).keySet()));
        assertEquals(Map.of("name", "ch2", "type", "FloatingPoint(DOUBLE)", "unit", "V", "range_min", -10.0, "range_max", 10.0),
                StreamSchemas.columnDocument(StreamSchemas.float64("ch2", "V", -10, 10)));
        assertEquals(Map.of("name", "frame_number", "type", "Int(64, true)"),
                StreamSchemas.columnDocument(StreamSchemas.int64("frame_number")));
    }

    @Test
    void rangeThatIsNoNumberStaysText() {
        Field field = new Field("x", new FieldType(true, new ArrowType.Int(32, true), null,
                Map.of(StreamSchemas.RANGE_MIN, "low")), List.of());
        assertEquals("low", StreamSchemas.columnDocument(field).get(StreamSchemas.RANGE_MIN));
    }
}
