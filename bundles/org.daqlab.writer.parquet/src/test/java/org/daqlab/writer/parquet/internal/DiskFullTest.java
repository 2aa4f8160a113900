package org.daqlab.writer.parquet.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.daqlab.api.storage.Tmpfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the writer on a real file system that fills up (a 3 MiB tmpfs): the run fails with an
 * IOException naming the file and saying what to do; closing the segment as the core does after a
 * failure leaves either valid Parquet files or files that keep their temporary names and journals,
 * never a damaged file that looks complete; and every row flushed before the disk filled is there.
 */
class DiskFullTest {

    /** Row groups and spool of 1 MiB: parts are completed (and the disk fills) within a few flushes. */
    private static final Map<String, Object> CONFIG = Map.of("row__group__mb", 1);
    private static final int BATCHES_PER_FLUSH = 4;
    /** Far more than fits: reaching it means the disk never filled. */
    private static final int MAX_BATCHES = 100_000;
    private static final String[] STREAMS = {"power_meter_01", "adc0"};

    @TempDir
    Path dir;
    private Tmpfs small;
    private Path ballast;
    private LiveSegment live;
    private final Map<String, Long> flushed = new LinkedHashMap<>();
    private IOException failure;

    @BeforeEach
    void mountASmallFileSystem() throws Exception {
        StringBuilder why = new StringBuilder();
        small = Tmpfs.mount(dir.resolve("small"), "size=3m", why);
        assumeTrue(small != null, "no small file system to fill: " + why);
        // space to give back later, as an operator deleting files would
        ballast = Files.write(small.directory.resolve("ballast"), new byte[512 * 1024]);
        live = new LiveSegment(small.directory, CONFIG, TestBatches.POWER, TestBatches.ADC);
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

    /** Writes both streams, flushing every few batches, until the disk is full. */
    private void runUntilTheDiskIsFull() {
        try {
            for (int batch = 1; batch <= MAX_BATCHES; batch++) {
                live.power((batch - 1L) * 700, 700);
                live.adc((batch - 1L) * 1300, 1300);
                if (batch % BATCHES_PER_FLUSH == 0) {
                    live.run.flush();
                    flushed.put("power_meter_01", batch * 700L);
                    flushed.put("adc0", batch * 1300L);
                }
            }
        } catch (IOException e) {
            failure = e;
        }
        assertNotNull(failure, "premise: the 3 MiB file system filled up");
        assertFalse(flushed.isEmpty(), "premise: a flush completed before the disk filled");
    }

    @Test
    void failureNamesTheFileAndClosingLeavesNoDamagedFileThatLooksComplete() throws Exception {
        runUntilTheDiskIsFull();
        String message = failure.getMessage();
        assertTrue(message.contains(small.directory.toString()) && message.contains(".parquet.part"), "names the file: " + message);
        assertTrue(message.contains("No space left") && message.contains("Fix: free space"), "says what happened and the fix: " + message);

        boolean closed;
        try {
            live.closeSegment(null); // what the core does with a failed writer; it renames the files only if this returns
            closed = true;
            assertTrue(live.context.notices.stream().anyMatch(n -> n.contains("failed and was completed with the")),
                    "the status says the failed file holds only the flushed rows: " + live.context.notices);
        } catch (IOException e) {
            assertTrue(e.getMessage().contains(".parquet.part"), "names the file: " + e.getMessage());
            closed = false;
        }
        for (String stream : STREAMS) {
            Path file = live.file(stream);
            if (closed) {
                assertFalse(Files.exists(Journal.of(file)), stream + ": a completed file has no journal");
                assertHoldsTheFlushedRows(file, stream);
            } else {
                assertTrue(Files.exists(file), stream + ": kept under its temporary name");
            }
        }
        // once there is space again, whatever kept its journal is completed with every flushed row
        Files.delete(ballast);
        for (String stream : STREAMS) {
            Path file = live.file(stream);
            if (Files.exists(Journal.of(file))) {
                assertNotNull(ParquetRecovery.recover(file, live.allocator, new ObjectMapper()), stream + " recovered");
                assertHoldsTheFlushedRows(ParquetRecoveryTest.finalName(file), stream);
            }
        }
    }

    @Test
    void everyRowFlushedBeforeTheDiskFilledIsRecoverableOnAnotherDisk() throws Exception {
        runUntilTheDiskIsFull();
        for (String stream : STREAMS) {
            Path copy = Leftovers.copy(live.file(stream), dir.resolve("big"));
            assertNotNull(ParquetRecovery.recover(copy, live.allocator, new ObjectMapper()));
            assertHoldsTheFlushedRows(ParquetRecoveryTest.finalName(copy), stream);
        }
    }

    private void assertHoldsTheFlushedRows(Path file, String stream) throws Exception {
        Readback read = new Readback(NodeReaders.hyparquet(file), file.toString());
        long rows = read.rows();
        assertTrue(rows >= flushed.get(stream), file + ": " + rows + " rows, fewer than the " + flushed.get(stream) + " flushed");
        if (stream.equals("adc0")) {
            read.assertAdc(0, Math.toIntExact(rows), 0);
        } else {
            read.assertPower(0, Math.toIntExact(rows), 0);
        }
    }
}
