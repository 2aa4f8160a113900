package org.daqlab.api.run;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MetadataValuesTest {

    @Test
    void typesNumbersBooleansAndText() {
        assertEquals(1064L, MetadataValues.parse("1064"));
        assertEquals(1064.5, MetadataValues.parse("1064.5"));
        assertEquals(-2e-3, MetadataValues.parse("-2e-3"));
        assertEquals(Boolean.TRUE, MetadataValues.parse("TRUE"));
        assertEquals("A12", MetadataValues.parse("A12"));
        assertEquals("NaN", MetadataValues.parse("NaN"));
        assertEquals("", MetadataValues.parse(""));
    }
}
