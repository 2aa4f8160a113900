package org.daqlab.writer.zarr.internal;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZarrSettingsTest {

    @Test
    void defaultsAreZarrV3ZstdLevel3InChunksOf65536RowsAndOneFrameWithoutShardsOrChecksums() {
        ZarrSettings s = ZarrSettings.of(TestConfigs.config(Map.of()));
        assertEquals(ZarrFormat.V3, s.format());
        assertEquals(ZarrCompression.ZSTD, s.compression());
        assertEquals(3, s.level());
        assertEquals(65536, s.chunkRows());
        assertEquals(1, s.framesPerChunk());
        assertEquals(0, s.shardFrames());
        assertFalse(s.crc32c());
        assertEquals(Runtime.getRuntime().availableProcessors(), s.threads());
        assertEquals(2 * s.threads() + 1, s.chunksInFlight());
    }

    @Test
    void levelZeroIsTheCodecsDefault() {
        assertEquals(6, ZarrSettings.of(TestConfigs.config(Map.of("compression", "gzip"))).level());
        assertEquals(9, ZarrSettings.of(TestConfigs.config(Map.of("compression", "gzip", "compression__level", 9))).level());
        assertEquals(-5, ZarrSettings.of(TestConfigs.config(Map.of("compression__level", -5))).level());
        assertEquals(ZarrCompression.NONE, ZarrSettings.of(TestConfigs.config(Map.of("compression", "none",
                "compression__level", 99))).compression());
    }

    @Test
    void shardsAndChecksumsAreZarrV3Options() {
        ZarrSettings s = ZarrSettings.of(TestConfigs.config(Map.of("frames__per__chunk", 4, "shard__frames", 400, "crc32c", true)));
        assertEquals(400, s.shardFrames());
        assertTrue(s.crc32c());
        assertEquals(ZarrFormat.V2, ZarrSettings.of(TestConfigs.config(Map.of("zarr__format", 2))).format());
    }

    @Test
    void badValuesNameThePropertyTheValueAndWhatIsAllowed() {
        assertMessage(Map.of("zarr__format", 4), "zarr_format = 4", "[3, 2]");
        assertMessage(Map.of("compression", "blosc"), "compression = 'blosc'", "[none, zstd, gzip]");
        assertMessage(Map.of("compression__level", 23), "compression_level = 23", "zstd", "22");
        assertMessage(Map.of("compression", "gzip", "compression__level", 10), "compression_level = 10", "gzip", "1…9");
        assertMessage(Map.of("chunk__rows", 0), "chunk_rows = 0", "at least 1");
        assertMessage(Map.of("frames__per__chunk", 0), "frames_per_chunk = 0", "at least 1");
        assertMessage(Map.of("frames__per__chunk", 4, "shard__frames", 10), "shard_frames = 10", "multiple of frames_per_chunk = 4");
        assertMessage(Map.of("shard__frames", -1), "shard_frames = -1", "0 (no sharding)");
        assertMessage(Map.of("zarr__format", 2, "shard__frames", 100), "shard_frames = 100", "zarr_format = 3");
        assertMessage(Map.of("zarr__format", 2, "crc32c", true), "crc32c = true", "zarr_format = 3");
        assertMessage(Map.of("compression__threads", -1), "compression_threads = -1", "0 (one per processor)");
    }

    private static void assertMessage(Map<String, Object> config, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ZarrSettings.of(TestConfigs.config(config)));
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), e.getMessage() + " should contain " + part);
        }
    }
}
