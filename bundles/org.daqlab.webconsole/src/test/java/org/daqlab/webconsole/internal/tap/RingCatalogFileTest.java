package org.daqlab.webconsole.internal.tap;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The catalog walk of LAYOUT.md §5.2 on entries framed like records; the live file is read in ConsoleIT. */
class RingCatalogFileTest {

    @Test
    void theEntryWithTheHighestIndexIsAStreamsSchemaAndAnImpossibleLengthEndsTheWalk() {
        ByteBuffer catalog = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        int at = entry(catalog, 0, 1, 5, new byte[] {1, 2, 3});     // stream 1, index 5
        at = entry(catalog, at, 2, 6, new byte[] {4});               // stream 2
        at = entry(catalog, at, 1, 9, new byte[] {7, 7, 7, 7, 7});   // stream 1 again, newer
        at = entry(catalog, at, 1, 8, new byte[] {6});               // older than index 9: ignored
        catalog.putInt(at, 12);                                      // impossible length: the walk ends
        entry(catalog, at + 48, 3, 10, new byte[] {9});
        catalog.limit(at + 48 + 48);

        Map<Integer, RingCatalogFile.Descriptor> found = RingCatalogFile.entries(catalog);

        assertEquals(2, found.size());
        assertArrayEquals(new byte[] {7, 7, 7, 7, 7}, found.get(1).payload());
        assertEquals(9, found.get(1).index());
        assertArrayEquals(new byte[] {4}, found.get(2).payload());
    }

    private static int entry(ByteBuffer buffer, int at, int streamId, long index, byte[] payload) {
        int length = RingCatalogFile.RECORD_HEADER + payload.length;
        buffer.putInt(at, length);
        buffer.putShort(at + 4, (short) RingCatalogFile.DESCRIPTOR_TYPE);
        buffer.putInt(at + 8, streamId);
        buffer.putLong(at + 16, index);
        buffer.put(at + RingCatalogFile.RECORD_HEADER, payload);
        return at + ((length + 7) & ~7);
    }
}
