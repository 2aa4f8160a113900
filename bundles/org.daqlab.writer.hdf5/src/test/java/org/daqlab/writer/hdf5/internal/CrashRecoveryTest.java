package org.daqlab.writer.hdf5.internal;

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
 * Kills a real JVM that is writing through the HDF5 writer with SIGKILL (no shutdown hook, no
 * close, no flush of user-space buffers) and recovers its leftovers as the next start would: the
 * file must hold every row flushed before the kill, exactly and in order, and read with h5py.
 */
class CrashRecoveryTest {


    @TempDir
    Path dir;

    @RepeatedTest(3)
    void everyRowFlushedBeforeKillDashNineIsInTheRecoveredFile(RepetitionInfo repetition) throws Exception {
        // each repetition kills after a different number of flushes and at a random moment after it;
        // long gaps between flushes let the journal's buffer spill records (and cut ones) to disk before the kill
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        int flushesBeforeKill = 1 + repetition.getCurrentRepetition();
        int batchesPerFlush = 2 + random.nextInt(30);
        int delayMs = random.nextInt(10 * batchesPerFlush);
        String trial = "seed " + seed + ": kill " + delayMs + " ms after flush " + flushesBeforeKill
                + ", a flush every " + batchesPerFlush + " rounds";

        Map<String, Long> flushed = KilledWriter.runAndKill(dir, CrashingWriterMain.class,
                List.of(dir.toString(), Integer.toString(batchesPerFlush)), flushesBeforeKill, delayMs, trial);

        Path part = dir.resolve("run_s1.h5.part");
        Path h5 = dir.resolve("run_s1.h5");
        assertTrue(Files.exists(part) && Files.exists(Journal.of(part)), trial + ": the killed writer left its data and journal");
        assertFalse(Files.exists(h5), trial + ": nothing looks complete before recovery");

        String report = JournalRecovery.recover(part);

        assertNotNull(report, trial + ": the dead writer's lock must not stop recovery");
        assertFalse(Files.exists(part), trial + ": the .part is renamed");
        assertFalse(Files.exists(Journal.of(part)), trial + ": the journal is deleted once the file is built");
        Map<String, Object> file = H5py.dump(h5, dir);
        long power = StreamChecks.rows(file, "power_meter_01");
        long adc = StreamChecks.rows(file, "adc0");
        assertTrue(power >= flushed.get("power_meter_01"), trial + ": power rows " + power + " < flushed " + flushed);
        assertTrue(adc >= flushed.get("adc0"), trial + ": adc rows " + adc + " < flushed " + flushed);
        StreamChecks.assertPower(file, "power_meter_01", 0, Math.toIntExact(power));
        StreamChecks.assertAdc(file, "adc0", 0, Math.toIntExact(adc), 3);
        assertTrue(report.contains("run_s1.h5") && report.contains("power_meter_01 " + power + " rows")
                && report.contains("adc0 " + adc + " rows"), trial + ": report names the file and rows: " + report);
    }
}
