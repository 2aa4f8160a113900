package org.daqlab.writer.hdf5.internal;

import org.daqlab.api.storage.Tmpfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the writer on a real file system that fills up (a 3 MiB tmpfs): the run fails with an
 * IOException naming the file, nothing looks like a finished file, and once there is space again
 * the data and journal give back every row flushed before the disk filled.
 */
class DiskFullTest {

    private static final Map<String, Object> CONFIG = Map.of("chunk__rows", 1000, "compression__threads", 2);
    private static final int ROWS = 1300;
    private static final int BATCHES_PER_FLUSH = 4;
    /** Far more than fits: reaching it means the disk never filled. */
    private static final int MAX_BATCHES = 100_000;

    @TempDir
    Path dir;
    private Tmpfs small;
    private Path ballast;
    private LiveSegment live;
    /** Rows per stream at the last flush that completed. */
    private long flushedPower;
    private long flushedAdc;
    private IOException failure;

    @BeforeEach
    void mountASmallFileSystem() throws Exception {
        StringBuilder why = new StringBuilder();
        small = Tmpfs.mount(dir.resolve("small"), "size=3m", why);
        assumeTrue(small != null, "no small file system to fill: " + why);
        // space to give back later, as an operator deleting files would
        ballast = Files.write(small.directory.resolve("ballast"), new byte[512 * 1024]);
        live = new LiveSegment(small.directory, CONFIG);
    }

    /** Writes both streams, flushing every few batches, until the disk is full. */
    private void runUntilTheDiskIsFull() throws IOException {
        try {
            for (int batch = 1; batch <= MAX_BATCHES; batch++) {
                live.power((batch - 1L) * ROWS, ROWS);
                live.adc((batch - 1L) * ROWS, ROWS);
                if (batch % BATCHES_PER_FLUSH == 0) {
                    live.run.flush();
                    flushedPower = flushedAdc = (long) batch * ROWS;
                }
            }
        } catch (IOException e) {
            failure = e;
        }
        assertNotNull(failure, "premise: the 3 MiB file system filled up");
        assertTrue(flushedPower > 0, "premise: a flush completed before the disk filled");
    }

    @AfterEach
    void unmount() throws Exception {
        try {
            if (live != null) {
                live.close();
            }
        } catch (IOException alreadyFailed) {
            // the segment failed; closing again only repeats it
        } finally {
            if (small != null) {
                small.close();
            }
        }
    }

    @Test
    void runFailsNamingTheFileAndNothingLooksFinished() throws Exception {
        runUntilTheDiskIsFull();
        Path part = live.dataFile();
        assertTrue(failure.getMessage().contains(part.getFileName().toString()), "names the file: " + failure);
        // the core closes a failed writer; on a full disk that fails too, and the files keep their temporary names
        try {
            live.closeAfterFailure();
        } catch (IOException e) {
            assertTrue(e.getMessage().contains(part.getFileName().toString()), "names the file: " + e);
        }
        assertFalse(Files.exists(part.resolveSibling("run_s1.h5")), "no .h5 without .part");
        assertTrue(Files.exists(part) && Files.exists(Journal.of(part)), "data and journal are kept");
    }

    @Test
    void everyRowFlushedBeforeTheDiskFilledIsRecoverableElsewhere() throws Exception {
        runUntilTheDiskIsFull();
        closeQuietly();
        Path copy = live.crashCopy(dir.resolve("big"));

        String report = JournalRecovery.recover(copy);

        assertRecovered(copy, report);
    }

    @Test
    void failedSegmentIsRecoverableInPlaceByThisJvmOnceSpaceIsBack() throws Exception {
        runUntilTheDiskIsFull();
        closeQuietly();
        Files.delete(ballast);

        // null would mean "a live writer holds it": the failed one must have let go of the file
        String report = JournalRecovery.recover(live.dataFile());

        assertRecovered(live.dataFile(), report);
    }

    @Test
    void chunkThatDoesNotFitFailsNamingTheDataFile() {
        // ADC only and no flush: the journal gets only small chunk records and keeps them in its buffer, so the
        // chunks (written by the compression workers) are what hits the full disk
        Path part = live.dataFile();
        IOException e = assertThrows(IOException.class, () -> {
            for (int batch = 0; batch < MAX_BATCHES; batch++) {
                live.adc((long) batch * ROWS, ROWS);
            }
        });
        assertTrue(e.getMessage().contains(part.toString()) && !e.getMessage().contains(Journal.of(part).toString()),
                "names the data file: " + e);
    }

    private void closeQuietly() {
        try {
            live.closeAfterFailure();
        } catch (IOException expectedOnAFullDisk) {
            // tested above
        }
    }

    private void assertRecovered(Path part, String report) throws Exception {
        assertNotNull(report, "recovered");
        Map<String, Object> file = H5py.dump(part.resolveSibling("run_s1.h5"), dir);
        long power = StreamChecks.rows(file, "power_meter_01");
        long adc = StreamChecks.rows(file, "adc0");
        assertTrue(power >= flushedPower && adc >= flushedAdc,
                "rows " + power + "/" + adc + " hold the last flush " + flushedPower + "/" + flushedAdc);
        StreamChecks.assertPower(file, "power_meter_01", 0, Math.toIntExact(power));
        StreamChecks.assertAdc(file, "adc0", 0, Math.toIntExact(adc), 3);
    }
}
