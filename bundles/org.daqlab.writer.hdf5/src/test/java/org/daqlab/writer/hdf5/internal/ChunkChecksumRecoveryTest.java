package org.daqlab.writer.hdf5.internal;

import org.daqlab.writer.hdf5.internal.SegmentModel.ChunkRef;
import org.daqlab.writer.hdf5.internal.SegmentModel.Column;
import org.daqlab.writer.hdf5.internal.SegmentModel.Group;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal records each chunk's CRC-32C; recovery checks the bytes on disk against it
 * ({@code Hdf5FileBuilder.verifyChunks}). A chunk that does not match — overwritten, or not on disk
 * yet when the machine went down — is left out with every later row of its column, and since all
 * datasets of a group have one length, the whole group ends there; other groups keep everything.
 */
class ChunkChecksumRecoveryTest {

    private static final Map<String, Object> CONFIG = Map.of("chunk__rows", 1000, "compression__threads", 2);
    /** Three full chunks and a flushed tail of 500 rows per column. */
    private static final int ROWS = 3500;

    @TempDir
    Path dir;
    private Path crashed;
    private SegmentModel model;

    @BeforeEach
    void writeAndCrashAfterAFlush() throws Exception {
        try (LiveSegment live = new LiveSegment(dir.resolve("live"), CONFIG)) {
            live.power(0, ROWS);
            live.adc(0, ROWS);
            live.run.flush();
            crashed = live.crashCopy(dir.resolve("crashed"));
        }
        model = SegmentModel.replay(Journal.of(crashed));
    }

    @Test
    void overwrittenChunkIsLeftOutWithEveryLaterRowOfItsGroup() throws Exception {
        ChunkRef second = chunk("adc0", "ch1", 1);
        Leftovers.corrupt(crashed, second.offset() + second.size() / 2, 16);

        String report = JournalRecovery.recover(crashed);

        Map<String, Object> file = H5py.dump(crashed.resolveSibling("run_s1.h5"), dir);
        StreamChecks.assertAdc(file, "adc0", 0, 1000, 3);
        StreamChecks.assertPower(file, "power_meter_01", 0, ROWS);
        assertTrue(report.contains("adc0 1000 rows") && report.contains("1 chunk(s)") && report.contains("checksum"), report);
    }

    @Test
    void checkingReportsItsProgressEveryStepUpToTheWholeData() throws Exception {
        Hdf5FileBuilder builder = new Hdf5FileBuilder(model, crashed, Journal.of(crashed));
        long total = builder.chunkBytes();
        long step = total / 4;
        List<Long> reports = new ArrayList<>();

        assertEquals(0, builder.verifyChunks(step, reports::add));

        assertTrue(reports.size() >= 3 && reports.size() <= 4, reports + " of " + total);
        for (int i = 1; i < reports.size(); i++) {
            assertTrue(reports.get(i) - reports.get(i - 1) >= step, "at least one step apart: " + reports);
        }
        assertTrue(reports.get(reports.size() - 1) > total - step && reports.get(reports.size() - 1) <= total, reports + " of " + total);
    }

    @Test
    void chunkCutOffByTheEndOfTheDataFileIsLeftOut() throws Exception {
        // the chunk written last, as when the machine lost power before the disk had it all
        Group group = null;
        int index = -1;
        ChunkRef last = null;
        for (Group g : model.groups) {
            for (Column c : g.columns) {
                for (int i = 0; i < c.chunks.size(); i++) {
                    if (last == null || c.chunks.get(i).offset() > last.offset()) {
                        group = g;
                        index = i;
                        last = c.chunks.get(i);
                    }
                }
            }
        }
        assertNotNull(last, "premise: chunks were written");
        Leftovers.truncate(crashed, last.offset() + last.size() - 1);

        String report = JournalRecovery.recover(crashed);

        Map<String, Object> file = H5py.dump(crashed.resolveSibling("run_s1.h5"), dir);
        int powerRows = group.stream.equals("power_meter_01") ? index * 1000 : ROWS;
        int adcRows = group.stream.equals("adc0") ? index * 1000 : ROWS;
        StreamChecks.assertPower(file, "power_meter_01", 0, powerRows);
        StreamChecks.assertAdc(file, "adc0", 0, adcRows, 3);
        assertTrue(report.contains("1 chunk(s)"), report);
        assertFalse(Files.exists(crashed) || Files.exists(Journal.of(crashed)), "the .part is renamed and the journal deleted");
    }

    /** Where chunk {@code index} of a column lies, as the journal recorded it. */
    private ChunkRef chunk(String group, String dataset, int index) {
        for (Group g : model.groups) {
            for (Column c : g.columns) {
                if (g.name.equals(group) && c.layout.dataset().equals(dataset)) {
                    return c.chunks.get(index);
                }
            }
        }
        throw new AssertionError("no column " + group + "/" + dataset);
    }
}
