package org.daqlab.writer.hdf5.internal;

import org.daqlab.writer.hdf5.internal.Leftovers.JournalRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A crash can cut the journal anywhere, also inside a record. Recovery must treat a cut record as
 * never written: the file holds everything recorded before the cut and the report says the journal
 * ends early. A journal cut before its header record is complete cannot be used: recovery fails
 * clearly and deletes nothing.
 */
class TruncatedJournalRecoveryTest {

    private static final Map<String, Object> CONFIG = Map.of("chunk__rows", 1000, "compression__threads", 2);
    /** Rows per stream at the first and at the second flush. */
    private static final int POWER_1 = 1500, ADC_1 = 2500, POWER_2 = 1900, ADC_2 = 2900;

    @TempDir
    Path dir;
    /** The files of a segment after two flushes, as a crash right after the second one leaves them. */
    private Path crashed;
    private List<JournalRecord> records;

    @BeforeEach
    void writeTwoFlushesAndCrash() throws Exception {
        try (LiveSegment live = new LiveSegment(dir.resolve("live"), CONFIG)) {
            live.power(0, POWER_1);
            live.adc(0, ADC_1);
            live.run.flush();
            // these batches complete no chunk, so after the first flush the journal holds, in this order: the
            // power batch's strings, at the second flush a tail per numeric column (power's, then adc's), the flush
            live.power(POWER_1, POWER_2 - POWER_1);
            live.adc(ADC_1, ADC_2 - ADC_1);
            live.run.flush();
            crashed = live.crashCopy(dir.resolve("crashed"));
        }
        records = Leftovers.records(Journal.of(crashed));
        assertEquals(Journal.Kind.FLUSH, record(-1).kind(), "premise: the journal ends with the second flush");
        assertEquals(Journal.Kind.TAIL, record(-2).kind(), "premise: adc's last tail comes before it");
        assertEquals(Journal.Kind.STRINGS, record(firstAfterFirstFlush()).kind(), "premise: power's strings follow the first flush");
    }

    @ParameterizedTest(name = "cut at byte {0} of the record")
    @ValueSource(ints = {1, 4, 5, 6, -1})
    void cutInsideTheLastFlushRecordKeepsEveryRowRecordedBeforeIt(int at) throws Exception {
        assertRecoveredAfterCut(cutInside(record(-1), at), POWER_2, ADC_2);
    }

    @ParameterizedTest(name = "cut at byte {0} of the record")
    @ValueSource(ints = {1, 4, 5, 6, -1})
    void cutInsideTheLastTailLeavesItsStreamAtTheFirstFlush(int at) throws Exception {
        // adc's last column loses its second tail, and a group is as long as its shortest column
        assertRecoveredAfterCut(cutInside(record(-2), at), POWER_2, ADC_1);
    }

    @ParameterizedTest(name = "cut at byte {0} of the record")
    @ValueSource(ints = {1, 4, 5, 6, -1})
    void cutInsideTheFirstRecordAfterAFlushKeepsThatFlush(int at) throws Exception {
        assertRecoveredAfterCut(cutInside(record(firstAfterFirstFlush()), at), POWER_1, ADC_1);
    }

    @ParameterizedTest(name = "journal cut to {0} bytes")
    @ValueSource(ints = {0, 5, 8, 10, 40})
    void journalCutInsideItsMagicOrHeaderRecordFailsClearlyAndDeletesNothing(int size) throws Exception {
        assertTrue(size < records.get(0).end(), "premise: the cut is inside the magic or the header record");
        Path data = Leftovers.copy(crashed, dir.resolve("cut" + size));
        Path journal = Journal.of(data);
        Leftovers.truncate(journal, size);
        long dataBytes = Files.size(data);

        IOException e = assertThrows(IOException.class, () -> JournalRecovery.recover(data));

        assertTrue(e.getMessage().contains(journal.toString()), "names the journal: " + e.getMessage());
        assertEquals(dataBytes, Files.size(data), "the data file is kept as it was");
        assertEquals(size, Files.size(journal), "the journal is kept as it was");
        assertFalse(Files.exists(data.resolveSibling("run_s1.h5")), "no file looks complete");
    }

    /** Recovers a copy of the crashed segment whose journal is cut to {@code size} bytes. */
    private void assertRecoveredAfterCut(long size, int powerRows, int adcRows) throws Exception {
        Path data = Leftovers.copy(crashed, dir.resolve("cut" + size));
        Leftovers.truncate(Journal.of(data), size);

        String report = JournalRecovery.recover(data);

        Path h5 = data.resolveSibling("run_s1.h5");
        assertFalse(Files.exists(data) || Files.exists(Journal.of(data)), "the .part is renamed and the journal deleted");
        Map<String, Object> file = H5py.dump(h5, dir);
        StreamChecks.assertPower(file, "power_meter_01", 0, powerRows);
        StreamChecks.assertAdc(file, "adc0", 0, adcRows, 3);
        assertTrue(report.contains("run_s1.h5") && report.contains("power_meter_01 " + powerRows + " rows")
                && report.contains("adc0 " + adcRows + " rows") && report.contains("the journal ends early"), report);
    }

    /** The journal size that cuts {@code record} {@code at} bytes from its start ({@code -1}: one byte short of its end). */
    private static long cutInside(JournalRecord record, int at) {
        long size = at < 0 ? record.end() + at : record.start() + at;
        assertTrue(size > record.start() && size < record.end(), "premise: the cut is inside the record");
        return size;
    }

    /** The record at {@code index}, counting from the end if negative. */
    private JournalRecord record(int index) {
        return records.get(index < 0 ? records.size() + index : index);
    }

    private int firstAfterFirstFlush() {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).kind() == Journal.Kind.FLUSH) {
                return i + 1;
            }
        }
        throw new AssertionError("no flush record in " + records);
    }
}
