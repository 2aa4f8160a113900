package org.daqlab.writer.parquet.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How flushes shape the file: a slow stream flushed often is spooled to its journal and still ends
 * as one row group; a fast one completes a part (and its row group) at each flush once its rows
 * outgrow the spool.
 */
class FlushTest {

    @TempDir
    Path dir;

    @Test
    void slowStreamFlushedAfterEveryBatchEndsAsOneRowGroup() throws Exception {
        try (LiveSegment live = new LiveSegment(dir, Map.of(), TestBatches.POWER)) {
            for (int batch = 0; batch < 300; batch++) {
                live.power(batch * 10L, 10); // a 10 Hz power meter flushed every second, for five minutes
                live.run.flush();
                Journal.Contents journal = Leftovers.journal(live.file("power_meter_01"));
                assertEquals(0, journal.parts(), "still spooled after flush " + batch);
                assertEquals(batch + 1, journal.batches().size(), "one spooled record per flush");
            }
            live.close();
            Map<String, Object> read = NodeReaders.hyparquet(live.file("power_meter_01"));
            assertEquals(1, ParquetRunWriterTest.rowGroups(read).size());
            new Readback(read, "power").assertPower(0, 3000, 0);
        }
    }

    @Test
    void fastStreamCompletesAPartAtEachFlushOnceItOutgrowsTheSpool() throws Exception {
        // row groups of 1 MiB spool at most 1 MiB; two ADC batches are 350 KB of raw Arrow data
        try (LiveSegment live = new LiveSegment(dir, Map.of("row__group__mb", 1), TestBatches.ADC)) {
            int flushes = 0;
            boolean spooled = false;
            for (int batch = 0; batch < 40; batch += 2) {
                live.adc(batch * 1300L, 1300);
                live.adc((batch + 1) * 1300L, 1300);
                live.run.flush();
                flushes++;
                Journal.Contents journal = Leftovers.journal(live.file("adc0"));
                spooled |= !journal.batches().isEmpty();
                if (journal.batches().isEmpty()) {
                    assertTrue(journal.parts() > 0, "flush " + flushes + ": the rows are in a part if not spooled");
                }
            }
            live.close();
            assertTrue(spooled, "the first flushes spool");
            Map<String, Object> read = NodeReaders.hyparquet(live.file("adc0"));
            int groups = ParquetRunWriterTest.rowGroups(read).size();
            assertTrue(groups > 1 && groups < flushes, groups + " row groups for " + flushes + " flushes");
            new Readback(read, "adc0").assertAdc(0, 40 * 1300, 0);
        }
    }

    @Test
    void flushWithNothingNewWritesNothing() throws Exception {
        try (LiveSegment live = new LiveSegment(dir, Map.of(), TestBatches.ADC)) {
            live.adc(0, 10);
            live.run.flush();
            long journal = java.nio.file.Files.size(Journal.of(live.file("adc0")));
            live.run.flush();
            live.run.flush();
            assertEquals(journal, java.nio.file.Files.size(Journal.of(live.file("adc0"))));
            assertFalse(live.context.notices.stream().anyMatch(n -> n.contains("adc0")));
        }
    }
}
