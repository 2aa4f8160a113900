package org.daqlab.writer.hdf5.internal;

import org.apache.arrow.memory.util.Float16;

import java.util.List;
import java.util.Map;

import static org.daqlab.writer.hdf5.internal.Hdf5RunWriterTest.assertColumn;
import static org.daqlab.writer.hdf5.internal.Hdf5RunWriterTest.map;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Checks groups of a file read back by h5py against {@link TestBatches}' formulas: every row's value
 * is a function of its row number, so a row missing, repeated or out of order fails the check.
 */
final class StreamChecks {

    private StreamChecks() {
    }

    /**
     * The length every dataset of {@code group} has; fails if they differ (FORMAT.md: all datasets of
     * a group have the same {@code shape[0]}).
     */
    static long rows(Map<String, Object> h5, String group) {
        Map<String, Object> datasets = datasets(h5, group);
        List<Long> lengths = datasets.values().stream()
                .map(ds -> Hdf5RunWriterTest.longs(((Map<?, ?>) ds).get("shape")).get(0)).distinct().toList();
        assertEquals(1, lengths.size(), "datasets of /" + group + " differ in length: " + lengths);
        return lengths.get(0);
    }

    /** Rows {@code first…first+rows-1} of {@link TestBatches#POWER} are exactly the datasets of {@code group}. */
    static void assertPower(Map<String, Object> h5, String group, long first, int rows) {
        Map<String, Object> ds = datasets(h5, group);
        assertEquals(rows, rows(h5, group), "rows of /" + group);
        assertColumn(ds, "timestamp_ns", "<i8", rows, i -> TestBatches.timestamp(first + i));
        assertColumn(ds, "power", "<f8", rows, i -> Double.isNaN(TestBatches.power(first + i)) ? null : TestBatches.power(first + i));
        assertColumn(ds, "note", "|S", rows, i -> TestBatches.note(first + i));
        assertColumn(ds, "ok", "|u1", rows, i -> (first + i) % 2 == 0 ? 1L : 0L);
        assertColumn(ds, "count", "<u8", rows, i -> Long.MAX_VALUE - (first + i));
        assertColumn(ds, "half", "<f2", rows, i -> (double) Float16.toFloat(Float16.toFloat16((first + i) * 0.5f)));
        assertColumn(ds, "small", "|i1", rows, i -> (first + i) % 256 - 128);
        assertColumn(ds, "at", "<i8", rows, i -> TestBatches.timestamp(first + i) + 1);
    }

    /** Rows {@code first…first+rows-1} of an ADC stream with {@code channels} channels are exactly the datasets of {@code group}. */
    static void assertAdc(Map<String, Object> h5, String group, long first, int rows, int channels) {
        Map<String, Object> ds = datasets(h5, group);
        assertEquals(channels + 1, ds.size(), "datasets of /" + group + ": " + ds.keySet());
        assertEquals(rows, rows(h5, group), "rows of /" + group);
        assertColumn(ds, "timestamp_ns", "<i8", rows, i -> TestBatches.timestamp(first + i));
        for (int c = 0; c < channels; c++) {
            int channel = c;
            assertColumn(ds, "ch" + c, "<f8", rows, i -> TestBatches.adc(channel, first + i));
        }
    }

    static Map<String, Object> datasets(Map<String, Object> h5, String group) {
        return map(map(map(h5, "groups"), group), "datasets");
    }
}
