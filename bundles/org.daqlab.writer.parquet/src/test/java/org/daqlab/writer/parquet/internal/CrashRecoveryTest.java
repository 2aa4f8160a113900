package org.daqlab.writer.parquet.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.daqlab.api.storage.KilledWriter;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.io.TempDir;

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
 * Kills a real JVM that is writing through the Parquet writer with SIGKILL (no shutdown hook, no
 * close, no flush of user-space buffers) and recovers its leftovers as the next start would: each
 * stream's file must hold every row flushed before the kill, exactly once and in order, as hyparquet
 * reads it.
 */
class CrashRecoveryTest {

    @TempDir
    Path dir;

    @RepeatedTest(3)
    void everyRowFlushedBeforeKillDashNineIsInTheRecoveredFilesOnceAndInOrder(RepetitionInfo repetition) throws Exception {
        // each repetition kills after a different number of flushes and at a random moment after it
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        int flushesBeforeKill = 2 + 2 * repetition.getCurrentRepetition();
        int batchesPerFlush = 1 + random.nextInt(6);
        int delayMs = random.nextInt(20 * batchesPerFlush);
        String trial = "seed " + seed + ": kill " + delayMs + " ms after flush " + flushesBeforeKill
                + ", a flush every " + batchesPerFlush + " rounds";

        Map<String, Long> flushed = KilledWriter.runAndKill(dir, CrashingWriterMain.class,
                List.of(dir.toString(), Integer.toString(batchesPerFlush)), flushesBeforeKill, delayMs, trial);

        try (BufferAllocator allocator = new RootAllocator()) {
            for (String stream : flushed.keySet()) {
                Path part = dir.resolve(stream + "_s1.parquet.part");
                Path done = dir.resolve(stream + "_s1.parquet");
                assertTrue(Files.exists(part) && Files.exists(Journal.of(part)), trial + ": " + stream + " left its data and journal");
                assertFalse(Files.exists(done), trial + ": nothing looks complete before recovery");

                String report = ParquetRecovery.recover(part, allocator, new ObjectMapper());

                assertNotNull(report, trial + ": the dead writer's lock must not stop recovery");
                assertFalse(Files.exists(part) || Files.exists(Journal.of(part)), trial + ": renamed, journal deleted");
                Readback read = new Readback(NodeReaders.hyparquet(done), trial + " " + done.getFileName());
                long rows = read.rows();
                long atFlush = flushed.get(stream);
                assertTrue(rows >= atFlush, trial + ": " + stream + " has " + rows + " rows, fewer than the " + atFlush + " flushed");
                switch (stream) {
                    case "power_meter_01" -> read.assertPower(0, Math.toIntExact(rows), 0);
                    case "adc0" -> read.assertAdc(0, Math.toIntExact(rows), 0);
                    default -> read.assertCamera(0, Math.toIntExact(rows), 0);
                }
                assertTrue(report.contains(done.getFileName().toString()) && report.contains(rows + " rows"),
                        trial + ": the report names the file and its rows: " + report);
            }
        }
    }
}
