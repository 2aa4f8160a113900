package org.daqlab.writer.tiff.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.KilledWriter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills a real JVM that is writing through the TIFF writer with SIGKILL (no shutdown hook, no close,
 * no flush) at a random moment after a chosen flush. Before recovery, tifffile already reads every
 * linked page of each {@code .tif.part} (the chain holds whole pages only); at least every frame
 * flushed is there. Recovery then sets the ImageJ count, cuts off what the last page had begun, and
 * renames: every file reads as a complete ImageJ stack with every frame once, in order, as published.
 * One trial lowers the classic limit to 50 kB so that the files become BigTIFF while the child
 * writes (camera0 surely, before the kill), so a kill may land during a switch.
 */
class CrashRecoveryTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}, bigtiff {1}, classic limit {2}, killed after flush {3}")
    @CsvSource({"none, auto, 4294967296, 2", "deflate, auto, 4294967296, 3", "none, auto, 50000, 3",
            "deflate, always, 4294967296, 2"})
    void everyFrameFlushedBeforeKillDashNineIsReadableOnceInOrderAfterRecovery(String compression, String bigtiff,
            long classicLimit, int flushesBeforeKill) throws Exception {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        int roundsPerFlush = 2 + random.nextInt(15);
        int delayMs = random.nextInt(10 * roundsPerFlush);
        String trial = "seed " + seed + ": " + compression + ", bigtiff " + bigtiff + ", limit " + classicLimit + ", kill "
                + delayMs + " ms after flush " + flushesBeforeKill + ", a flush every " + roundsPerFlush + " rounds";

        Map<String, Long> flushed = KilledWriter.runAndKill(dir, CrashingWriterMain.class, List.of(dir.toString(),
                compression, bigtiff, Integer.toString(roundsPerFlush), Long.toString(classicLimit)), flushesBeforeKill,
                delayMs, trial);

        List<Path> parts = new ArrayList<>();
        for (StreamDescriptor stream : CrashingWriterMain.STREAMS) {
            Path part = dir.resolve(stream.stream() + "_s1.tif.part");
            assertTrue(Files.exists(part), trial + ": the killed writer left " + part);
            assertTrue(Files.exists(LockFile.of(part)), trial + ": marked unfinished");
            parts.add(part);
        }
        assertEquals(parts, TiffRecovery.leftovers(dir), trial + ": recovery finds them");
        List<JsonNode> before = Tifffile.readAll(parts, false);
        for (int s = 0; s < parts.size(); s++) {
            StreamDescriptor stream = CrashingWriterMain.STREAMS.get(s);
            long pages = Tifffile.assertPages(before.get(s), stream, dtype(stream), 0);
            assertTrue(pages >= flushed.get(stream.stream()), trial + ": " + stream.stream() + " before recovery: " + pages
                    + " pages < flushed " + flushed);
        }

        List<Path> recovered = new ArrayList<>();
        for (Path part : parts) {
            String report = TiffRecovery.recover(part);
            assertNotNull(report, trial + ": the dead writer's lock must not stop recovery");
            Path target = part.resolveSibling(part.getFileName().toString().replace(".part", ""));
            assertTrue(report.contains(target.getFileName().toString()), trial + ": names the file: " + report);
            assertFalse(Files.exists(part), trial + ": renamed");
            assertFalse(Files.exists(LockFile.of(part)), trial + ": no longer marked unfinished");
            recovered.add(target);
        }
        List<JsonNode> after = Tifffile.readAll(recovered, true);
        for (int s = 0; s < recovered.size(); s++) {
            StreamDescriptor stream = CrashingWriterMain.STREAMS.get(s);
            JsonNode file = after.get(s);
            long pages = Tifffile.assertFrames(file, stream, dtype(stream), 0);
            assertTrue(pages >= flushed.get(stream.stream()), trial + ": " + stream.stream() + " " + pages + " pages < flushed "
                    + flushed);
            assertEquals(pages, file.get("imagej").get("images").asLong(), trial + ": the description counts every page");
            assertEquals(pages, file.get("series").get("shape").get(0).asLong(), trial);
            assertEquals(stream.stream(), file.get("metadata").get("stream").asText());
            if (bigtiff.equals("always") || (classicLimit < 100_000 && s == 0)) {
                // camera0 wrote more than 50 kB in the 6 rounds before the earliest kill: it switched
                assertTrue(file.get("bigtiff").asBoolean(), trial);
            }
        }
        assertEquals(List.of(), TiffRecovery.leftovers(dir), trial + ": nothing left to recover");
    }

    private static String dtype(StreamDescriptor stream) {
        return PixelType.of(stream.schema().findField("frame")).name();
    }
}
