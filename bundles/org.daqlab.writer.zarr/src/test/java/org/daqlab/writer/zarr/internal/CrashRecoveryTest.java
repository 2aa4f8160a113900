package org.daqlab.writer.zarr.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.KilledWriter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills a real JVM that is writing through the Zarr writer with SIGKILL (no shutdown hook, no close)
 * at a random moment after a flush. The store it leaves is read as it is by the format's reference
 * reader: every array's shape covers exactly the rows of a flush, at least the last one reported,
 * and every value in it is as published. Recovery then gives it its final name with every group's
 * arrays at one length, and the reader reads it again.
 */
class CrashRecoveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "Zarr v{0}, {1}, shard_frames {2}, crc32c {3}, killed after flush {4}")
    @CsvSource({"3, zstd, 0, false, 2", "3, gzip, 4, true, 3", "2, zstd, 0, false, 2", "2, none, 0, false, 3"})
    void theStoreOfAKilledWriterHoldsEveryFlushedRowAndRecoveryNamesIt(int format, String compression, int shardFrames,
            boolean crc32c, int flushesBeforeKill) throws Exception {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        int roundsPerFlush = 1 + random.nextInt(6);
        int delayMs = random.nextInt(20 * roundsPerFlush);
        String trial = "seed " + seed + ": Zarr v" + format + " " + compression + ", shard_frames " + shardFrames
                + ", kill " + delayMs + " ms after flush " + flushesBeforeKill + ", a flush every " + roundsPerFlush + " rounds";

        Map<String, Long> flushed = KilledWriter.runAndKill(dir, CrashingWriterMain.class, List.of(dir.toString(),
                Integer.toString(format), compression, Integer.toString(shardFrames), Boolean.toString(crc32c),
                Integer.toString(roundsPerFlush)), flushesBeforeKill, delayMs, trial);

        Path part = dir.resolve("run_s1.zarr.part");
        assertTrue(Files.isDirectory(part), trial + ": the killed writer left " + part);
        ZarrReaders.Read unrecovered = ZarrReaders.read(ZarrFormat.of(format), part, dir);
        for (int s = 0; s < CrashingWriterMain.STREAMS.size(); s++) {
            StreamDescriptor stream = CrashingWriterMain.STREAMS.get(s);
            long perFlush = (long) roundsPerFlush * CrashingWriterMain.ROWS[s];
            ZarrReaders.lengths(unrecovered, stream.stream()).forEach((array, rows) -> assertTrue(
                    rows >= flushed.get(stream.stream()) && rows % perFlush == 0, trial + ": " + stream.stream() + "/" + array
                            + " has " + rows + " rows: not a flush of " + perFlush + " rows at or after " + flushed));
        }

        String report = StoreRecovery.recover(part, JSON);
        assertNotNull(report, trial + ": the dead writer's lock must not stop recovery");
        Path store = dir.resolve("run_s1.zarr");
        assertFalse(Files.exists(part), trial);
        assertTrue(report.startsWith("recovered the Zarr store run_s1.zarr of a segment that did not close"), report);
        assertFalse(Files.exists(store.resolve(Store.LOCK)), trial + ": the lock file is gone");
        assertEquals(List.of(), ZarrWriterInteropTest.leftoverTemporaryFiles(store), trial);

        ZarrReaders.Read read = ZarrReaders.read(ZarrFormat.of(format), store, dir);
        assertTrue(read.store().get("attributes").has("recovered"), trial + ": the root group records the recovery");
        for (int s = 0; s < CrashingWriterMain.STREAMS.size(); s++) {
            StreamDescriptor stream = CrashingWriterMain.STREAMS.get(s);
            long rows = ZarrReaders.array(ZarrReaders.group(read, stream.stream()), "timestamp_ns").get("shape").get(0).asLong();
            assertTrue(rows >= flushed.get(stream.stream()), trial + ": " + stream.stream() + " " + rows + " < flushed " + flushed);
            assertTrue(report.contains("'" + stream.stream() + "' " + rows + " rows"), trial + ": " + report);
            ZarrReaders.assertStream(read, stream.stream(), stream, 0, rows, s == 0 ? List.of("note") : List.of());
        }
    }
}
