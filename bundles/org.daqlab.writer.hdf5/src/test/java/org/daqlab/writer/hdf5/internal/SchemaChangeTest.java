package org.daqlab.writer.hdf5.internal;

import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.StreamDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stream whose columns change during a segment (an ADC reconfigured from three channels to two)
 * goes on in a new group {@code /<stream>.schema2}, {@code .schema3}, …: no row is lost or written
 * under the wrong columns, and the writer says once per change where the new batches went.
 */
class SchemaChangeTest {

    private static final Map<String, Object> CONFIG = Map.of("chunk__rows", 1000, "compression__threads", 2);
    /** {@link TestBatches#ADC} without its third channel. */
    private static final StreamDescriptor TWO_CHANNELS = new StreamDescriptor("adc0", "adc0",
            StreamSchemas.schema("adc0", "adc0", List.of(StreamSchemas.float64("ch0", "V", -10, 10),
                    StreamSchemas.float64("ch1", "V", -10, 10)), Map.of()), Map.of("sample_rate_hz", 100000.0));

    @TempDir
    Path dir;

    @Test
    void describingAStreamAgainWithOtherColumnsSendsItsBatchesToGroupSchema2() throws Exception {
        LiveSegment live = new LiveSegment(dir, CONFIG);
        try (live) {
            live.adc(0, 1200);
            live.run.describe(TWO_CHANNELS);
            live.write("adc0", channels(live, TWO_CHANNELS.schema(), 1200, 800));
        }

        Map<String, Object> file = H5py.dump(live.dataFile(), dir);
        StreamChecks.assertAdc(file, "adc0", 0, 1200, 3);
        StreamChecks.assertAdc(file, "adc0.schema2", 1200, 800, 2);
        assertEquals("adc0", Hdf5RunWriterTest.map(Hdf5RunWriterTest.map(Hdf5RunWriterTest.map(file, "groups"),
                "adc0.schema2"), "attrs").get("stream"), "the new group names its stream");
        assertOneNoticeNaming(live, "/adc0.schema2", "ch2");
    }

    @Test
    void batchWithOtherColumnsStartsANewGroupWithoutADescribe() throws Exception {
        LiveSegment live = new LiveSegment(dir, CONFIG);
        try (live) {
            live.adc(0, 1000);
            live.write("adc0", channels(live, TWO_CHANNELS.schema(), 1000, 500));
            // back to three channels: the current group has two, so a third group starts
            live.adc(1500, 200);
        }

        Map<String, Object> file = H5py.dump(live.dataFile(), dir);
        StreamChecks.assertAdc(file, "adc0", 0, 1000, 3);
        StreamChecks.assertAdc(file, "adc0.schema2", 1000, 500, 2);
        StreamChecks.assertAdc(file, "adc0.schema3", 1500, 200, 3);
        assertOneNoticeNaming(live, "/adc0.schema2", "ch2");
        assertOneNoticeNaming(live, "/adc0.schema3", "ch2");
    }

    @Test
    void renamedColumnStartsANewGroupEvenWithTheSameColumnCount() throws Exception {
        // the third channel is rewired: same count and type, another name
        StreamDescriptor rewired = new StreamDescriptor("adc0", "adc0", StreamSchemas.schema("adc0", "adc0",
                List.of(StreamSchemas.float64("ch0", "V"), StreamSchemas.float64("ch1", "V"),
                        StreamSchemas.float64("ch3", "V")), Map.of()), Map.of());
        LiveSegment live = new LiveSegment(dir, CONFIG);
        try (live) {
            live.adc(0, 600);
            live.run.describe(rewired);
            live.write("adc0", channels(live, rewired.schema(), 600, 400));
        }

        Map<String, Object> file = H5py.dump(live.dataFile(), dir);
        StreamChecks.assertAdc(file, "adc0", 0, 600, 3);
        Map<String, Object> schema2 = StreamChecks.datasets(file, "adc0.schema2");
        assertEquals(List.of("ch0", "ch1", "ch3", "timestamp_ns"), schema2.keySet().stream().sorted().toList());
        Hdf5RunWriterTest.assertColumn(schema2, "timestamp_ns", "<i8", 400, i -> TestBatches.timestamp(600 + i));
        Hdf5RunWriterTest.assertColumn(schema2, "ch3", "<f8", 400, i -> TestBatches.adc(2, 600 + i));
        assertOneNoticeNaming(live, "/adc0.schema2", "ch3");
    }

    @Test
    void describingAgainWithTheSameColumnsKeepsTheGroup() throws Exception {
        // only metadata differs (another unit): not a schema change for the file
        StreamDescriptor millivolts = new StreamDescriptor("adc0", "adc0", StreamSchemas.schema("adc0", "adc0",
                List.of(StreamSchemas.float64("ch0", "mV"), StreamSchemas.float64("ch1", "mV"),
                        StreamSchemas.float64("ch2", "mV")), Map.of()), Map.of());
        LiveSegment live = new LiveSegment(dir, CONFIG);
        try (live) {
            live.adc(0, 700);
            live.run.describe(millivolts);
            live.adc(700, 700);
        }

        Map<String, Object> file = H5py.dump(live.dataFile(), dir);
        StreamChecks.assertAdc(file, "adc0", 0, 1400, 3);
        assertEquals(List.of("adc0", "power_meter_01"),
                Hdf5RunWriterTest.map(file, "groups").keySet().stream().sorted().toList());
    }

    @Test
    void schemaGroupsOfASegmentThatCrashedAreRecovered() throws Exception {
        Path crashed;
        try (LiveSegment live = new LiveSegment(dir.resolve("live"), CONFIG)) {
            live.adc(0, 1200);
            live.run.describe(TWO_CHANNELS);
            live.write("adc0", channels(live, TWO_CHANNELS.schema(), 1200, 800));
            live.run.flush();
            crashed = live.crashCopy(dir.resolve("crashed"));
        }

        JournalRecovery.recover(crashed);

        Map<String, Object> file = H5py.dump(crashed.resolveSibling("run_s1.h5"), dir);
        StreamChecks.assertAdc(file, "adc0", 0, 1200, 3);
        StreamChecks.assertAdc(file, "adc0.schema2", 1200, 800, 2);
    }

    /** Rows {@code first…} of an ADC stream with {@code schema}'s channels (timestamp, then ch0, ch1, …). */
    private static VectorSchemaRoot channels(LiveSegment live, Schema schema, long first, int rows) {
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, live.allocator);
        root.allocateNew();
        for (int i = 0; i < rows; i++) {
            ((BigIntVector) root.getVector(0)).setSafe(i, TestBatches.timestamp(first + i));
            for (int c = 1; c < schema.getFields().size(); c++) {
                ((Float8Vector) root.getVector(c)).setSafe(i, TestBatches.adc(c - 1, first + i));
            }
        }
        root.setRowCount(rows);
        return root;
    }

    /** Exactly one notice names the group, the stream and a column that changed. */
    private static void assertOneNoticeNaming(LiveSegment live, String group, String column) {
        List<String> notices = live.context.notices.stream().filter(n -> n.contains(group + " ")).toList();
        assertEquals(1, notices.size(), "one notice for " + group + ": " + live.context.notices);
        assertTrue(notices.get(0).contains("'adc0'") && notices.get(0).contains(column), notices.get(0));
    }
}
