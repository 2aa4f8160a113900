package org.daqlab.writer.parquet.internal;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParquetSettingsTest {

    @Test
    void defaultsAreZstdLevel3In64MiBRowGroupsOf1MiBPages() {
        ParquetSettings s = ParquetSettings.of(TestConfigs.config(Map.of()));
        assertEquals(ParquetCompression.ZSTD, s.compression());
        assertEquals(3, s.level());
        assertEquals(64L << 20, s.rowGroupBytes());
        assertEquals(1 << 20, s.pageBytes());
        assertEquals(8L << 20, s.spoolLimit());
    }

    @Test
    void levelZeroIsTheCodecsDefaultAndCodecsWithoutLevelsIgnoreIt() {
        assertEquals(6, ParquetSettings.of(TestConfigs.config(Map.of("compression", "gzip"))).level());
        assertEquals(9, ParquetSettings.of(TestConfigs.config(Map.of("compression", "gzip", "compression__level", 9))).level());
        assertEquals(0, ParquetSettings.of(TestConfigs.config(Map.of("compression", "snappy", "compression__level", 50))).level());
        assertEquals(ParquetCompression.UNCOMPRESSED, ParquetSettings.of(TestConfigs.config(Map.of("compression", "none"))).compression());
    }

    @Test
    void badValuesNameThePropertyAndWhatIsAllowed() {
        assertMessage(Map.of("compression", "brotli"), "compression = 'brotli'", "zstd");
        assertMessage(Map.of("compression", "zstd", "compression__level", 23), "compression_level = 23", "22");
        assertMessage(Map.of("row__group__mb", 0), "row_group_mb = 0", "1 to 1024");
        assertMessage(Map.of("page__kb", 0), "page_kb = 0", "1 to");
    }

    private static void assertMessage(Map<String, Object> config, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParquetSettings.of(TestConfigs.config(config)));
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), e.getMessage() + " should contain " + part);
        }
    }
}
