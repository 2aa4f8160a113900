package org.daqlab.writer.hdf5.internal;

import org.daqlab.api.storage.TestRunContext;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.storage.RunWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes real Arrow batches of every supported type through the HDF5 writer and reads the file back
 * with h5py (libhdf5): layout, attributes, dtypes, chunking, filters and every value.
 */
class Hdf5RunWriterTest {

    static final long T0 = 1_769_351_565_123_456_789L;
    static final RunStart RUN = new RunStart("6f1c2a4e-0d7b-4c39-9a53-2f7e8b1d0c55", T0, "wavelength_scan",
            Map.of("operator", "ada", "sample", "Si-7", "segment", "reserved-name"));
    static final RunStop STOP = new RunStop(RUN.uid(), T0 + 60_000_000_000L, RunStop.ExitStatus.SUCCESS, "test", Map.of());

    @TempDir
    Path dir;
    private BufferAllocator allocator;

    @BeforeEach
    void allocate() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void release() {
        allocator.close();
    }

    /**
     * Every type, with shuffle + deflate and unfiltered; unfiltered, whole chunks go to the file
     * straight from the Arrow buffers and the rest through a copy (batches of 1,500, 2,500 and 4,000
     * rows against chunks of 1,000 rows, 3 and 4 frames against chunks of 2, nulls in a column), so
     * both paths and their joins are read back.
     */
    @ParameterizedTest
    @CsvSource({"deflate, true, 2 1", "none, false, ''"})
    void everyTypeRoundTripsThroughH5py(String compression, boolean shuffle, String filterIds) throws Exception {
        Hdf5StorageWriter writer = TestConfigs.hdf5StorageWriter(Map.of("chunk__rows", 1000, "frames__per__chunk", 2,
                "compression", compression, "shuffle", shuffle));
        TestRunContext context = new TestRunContext(dir, RUN, 1, allocator);
        try {
            RunWriter run = writer.open(context);
            run.describe(TestBatches.POWER);
            run.describe(TestBatches.ADC);
            run.describe(TestBatches.CAMERA);
            write(run, "power_meter_01", TestBatches.power(allocator, 0, 1500));
            write(run, "adc0", TestBatches.adc(allocator, 0, 2500));
            write(run, "camera0", TestBatches.camera(allocator, 0, 3));
            run.flush();
            run.metadata(new MetadataUpdate(null, "temperature_k", 4.2, T0));
            run.metadata(new MetadataUpdate("pm-01", "wavelength_nm", 1550L, T0));
            run.metadata(new MetadataUpdate("cam0", "cooled", true, T0));
            write(run, "power_meter_01", TestBatches.power(allocator, 1500, 700));
            write(run, "adc0", TestBatches.adc(allocator, 2500, 4000));
            write(run, "camera0", TestBatches.camera(allocator, 3, 4));
            run.close(STOP);
        } finally {
            writer.deactivate();
        }
        Path file = context.file(null, "h5").path();
        assertFalse(Files.exists(Journal.of(file)), "the journal is deleted once the file is built");
        assertEquals(2200 + 6500 + 7, context.file(null, "h5").rows());
        assertTrue(context.notices.stream().anyMatch(n -> n.contains("'spectrum'")), context.notices.toString());

        Map<String, Object> h5 = H5py.dump(file, dir);
        Map<String, Object> root = map(h5, "attrs");
        assertEquals("daqlab test", root.get("application"));
        assertEquals("wavelength_scan", root.get("run_name"));
        assertEquals(RUN.uid(), root.get("run_uid"));
        assertEquals(1L, number(root.get("segment")));
        assertEquals("reserved-name", root.get("metadata.segment"));
        assertEquals("ada", root.get("operator"));
        assertEquals(4.2, root.get("temperature_k"));
        assertEquals("<u8", map(h5, "root_attr_dtypes").get("created_timestamp_ns"));
        assertTrue(root.get("created_at").toString().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d.*Z"), root.toString());

        Map<String, Object> groups = map(h5, "groups");
        assertEquals(List.of("adc0", "camera0", "power_meter_01"), groups.keySet().stream().sorted().toList());
        Map<String, Object> power = map(groups, "power_meter_01");
        assertEquals("pm-01", map(power, "attrs").get("instrument_id"));
        assertEquals(1550L, number(map(power, "attrs").get("wavelength_nm")));
        assertEquals(1L, number(map(map(groups, "camera0"), "attrs").get("cooled")));
        Map<String, Object> datasets = map(power, "datasets");
        assertFalse(datasets.containsKey("spectrum"), "the list column is left out");
        assertColumn(datasets, "timestamp_ns", "<i8", 2200, row -> TestBatches.timestamp(row));
        assertColumn(datasets, "power", "<f8", 2200, row -> Double.isNaN(TestBatches.power(row)) ? null : TestBatches.power(row));
        assertColumn(datasets, "note", "|S", 2200, TestBatches::note);
        assertColumn(datasets, "ok", "|u1", 2200, row -> row % 2 == 0 ? 1L : 0L);
        assertColumn(datasets, "count", "<u8", 2200, row -> Long.MAX_VALUE - row);
        assertColumn(datasets, "half", "<f2", 2200, row -> (double) org.apache.arrow.memory.util.Float16.toFloat(org.apache.arrow.memory.util.Float16.toFloat16(row * 0.5f)));
        assertColumn(datasets, "small", "|i1", 2200, row -> row % 256 - 128);
        assertColumn(datasets, "at", "<i8", 2200, row -> TestBatches.timestamp(row) + 1);
        Map<String, Object> powerValues = map(datasets, "power");
        assertEquals("W", map(powerValues, "attrs").get("units"));
        assertEquals(List.of(1000L), longs(powerValues.get("chunks")));
        assertEquals(Arrays.stream(filterIds.split(" ")).filter(id -> !id.isEmpty()).map(Long::valueOf).toList(),
                longs(powerValues.get("filters")), "the filter pipeline, in order");
        assertEquals(TestBatches.POWER.schema(), org.apache.arrow.vector.types.pojo.Schema.fromJSON(map(powerValues, "attrs").get("schema").toString()));

        Map<String, Object> adc = map(map(groups, "adc0"), "datasets");
        for (int c = 0; c < 3; c++) {
            int channel = c;
            assertColumn(adc, "ch" + c, "<f8", 6500, row -> TestBatches.adc(channel, row));
        }
        assertEquals(-5.0, map(map(adc, "ch2"), "attrs").get("range_min"));

        Map<String, Object> camera = map(map(groups, "camera0"), "datasets");
        assertColumn(camera, "frame_number", "<i8", 7, row -> row);
        assertEquals(List.of(7L), longs(map(camera, "frame_number").get("chunks")),
                "a dataset shorter than one chunk is one chunk of its own length (libhdf5 creates no longer one)");
        Map<String, Object> frames = map(camera, "frame");
        assertEquals("<u2", frames.get("dtype"));
        assertEquals(List.of(7L, (long) TestBatches.HEIGHT, (long) TestBatches.WIDTH), longs(frames.get("shape")));
        assertEquals(List.of(2L, (long) TestBatches.HEIGHT, (long) TestBatches.WIDTH), longs(frames.get("chunks")));
        for (int f = 0; f < 7; f++) {
            assertEquals(TestBatches.frameSum(f), number(((List<?>) frames.get("frame_sums")).get(f)), "frame " + f);
            assertEquals(TestBatches.pixel(f, 0, 0), number(((List<?>) frames.get("frame_first")).get(f)));
        }
    }

    @Test
    void aWideStreamWhoseMetadataExceedsTheDefaultReservationStillBuilds() throws Exception {
        int channels = 100;
        org.daqlab.api.run.StreamDescriptor wide = wideStream(channels);
        assertTrue(wide.schema().toJson().length() * (channels + 1L) > Hdf5Settings.DEFAULT_RESERVED_BYTES,
                "the test needs metadata larger than the default reservation");
        Hdf5StorageWriter writer = TestConfigs.hdf5StorageWriter(Map.of());
        TestRunContext context = new TestRunContext(dir, RUN, 1, allocator);
        try {
            RunWriter run = writer.open(context);
            run.describe(wide);
            VectorSchemaRoot batch = VectorSchemaRoot.create(wide.schema(), allocator);
            batch.allocateNew();
            for (int row = 0; row < 100; row++) {
                ((org.apache.arrow.vector.BigIntVector) batch.getVector(0)).setSafe(row, TestBatches.timestamp(row));
                for (int c = 0; c < channels; c++) {
                    ((org.apache.arrow.vector.Float8Vector) batch.getVector(c + 1)).setSafe(row, c + row * 0.5);
                }
            }
            batch.setRowCount(100);
            write(run, "adc_wide", batch);
            run.close(STOP);
        } finally {
            writer.deactivate();
        }
        Map<String, Object> datasets = map(map(map(H5py.dump(context.file(null, "h5").path(), dir), "groups"), "adc_wide"),
                "datasets");
        assertEquals(channels + 1, datasets.size());
        assertColumn(datasets, "channel_099", "<f8", 100, row -> 99 + row * 0.5);
    }

    /**
     * jhdf caps a dataset it writes at 2 GiB; this writer's datasets are assembled from chunks, so a
     * frame dataset of 2.3 GiB (300 frames of 2048×2048 uint16, mostly zeros so that the file stays
     * small) must come out whole: shape, and frames from the start, the middle and the end.
     */
    @Test
    void aFrameDatasetLargerThan2GiBIsWrittenWhole() throws Exception {
        int side = 2048;
        int frames = 300;
        org.daqlab.api.run.StreamDescriptor big = new org.daqlab.api.run.StreamDescriptor("big_camera", "cam-big",
                org.daqlab.api.data.StreamSchemas.schema("big_camera", "cam-big",
                        List.of(org.daqlab.api.data.StreamSchemas.frame("frame", 16, side, side)), Map.of()), Map.of());
        assertTrue((long) frames * side * side * 2 > (2L << 30));
        Hdf5StorageWriter writer = TestConfigs.hdf5StorageWriter(Map.of());
        TestRunContext context = new TestRunContext(dir, RUN, 1, allocator);
        try {
            RunWriter run = writer.open(context);
            run.describe(big);
            for (int first = 0; first < frames; first += 10) {
                write(run, "big_camera", sparseFrames(big, first, 10, side));
            }
            run.close(STOP);
        } finally {
            writer.deactivate();
        }
        Map<String, Object> h5 = H5py.frames(context.file(null, "h5").path(), "big_camera/frame", dir, 0, 150, 299);
        assertEquals(List.of((long) frames, (long) side, (long) side), longs(h5.get("shape")));
        assertEquals(List.of(1L, (long) side, (long) side), longs(h5.get("chunks")));
        for (long n : new long[] {0, 150, 299}) {
            Map<String, Object> frame = map(map(h5, "frames"), Long.toString(n));
            assertEquals(n + 1, number(frame.get("first")), "frame " + n);
            assertEquals(n + 7, number(frame.get("last")), "frame " + n);
            assertEquals(2 * n + 8, number(frame.get("sum")), "frame " + n);
        }
    }

    /** Frames that are zero but for the first pixel (frame + 1) and the last (frame + 7). */
    private VectorSchemaRoot sparseFrames(org.daqlab.api.run.StreamDescriptor stream, long first, int count, int side) {
        VectorSchemaRoot root = VectorSchemaRoot.create(stream.schema(), allocator);
        root.allocateNew();
        org.daqlab.api.data.FixedShapeTensorVector tensor = (org.daqlab.api.data.FixedShapeTensorVector) root.getVector(1);
        org.apache.arrow.vector.complex.FixedSizeListVector list =
                (org.apache.arrow.vector.complex.FixedSizeListVector) tensor.getUnderlyingVector();
        list.setValueCount(count);
        org.apache.arrow.memory.ArrowBuf pixels = tensor.pixelVector().getDataBuffer();
        long frameBytes = (long) side * side * 2;
        pixels.setZero(0, frameBytes * count);
        for (int i = 0; i < count; i++) {
            ((org.apache.arrow.vector.BigIntVector) root.getVector(0)).setSafe(i, TestBatches.timestamp(first + i));
            list.setNotNull(i);
            pixels.setShort(i * frameBytes, (short) (first + i + 1));
            pixels.setShort((i + 1) * frameBytes - 2, (short) (first + i + 7));
        }
        root.setRowCount(count);
        return root;
    }

    @Test
    void aStreamWhoseSchemaCannotBeAnAttributeIsRefusedNamingTheFix() throws Exception {
        Hdf5StorageWriter writer = TestConfigs.hdf5StorageWriter(Map.of());
        TestRunContext context = new TestRunContext(dir, RUN, 1, allocator);
        try {
            RunWriter run = writer.open(context);
            java.io.IOException refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> run.describe(wideStream(400)));
            assertTrue(refused.getMessage().contains("'adc_wide' has 401 columns")
                    && refused.getMessage().contains("split the instrument"), refused.getMessage());
            run.close(STOP);
        } finally {
            writer.deactivate();
        }
    }

    private static org.daqlab.api.run.StreamDescriptor wideStream(int channels) {
        List<org.apache.arrow.vector.types.pojo.Field> fields = new java.util.ArrayList<>();
        for (int c = 0; c < channels; c++) {
            fields.add(org.daqlab.api.data.StreamSchemas.float64(String.format("channel_%03d", c), "V", -10, 10));
        }
        return new org.daqlab.api.run.StreamDescriptor("adc_wide", "adc-wide",
                org.daqlab.api.data.StreamSchemas.schema("adc_wide", "adc-wide", fields, Map.of()), Map.of());
    }

    private void write(RunWriter run, String stream, VectorSchemaRoot batch) throws Exception {
        try (batch) {
            run.write(stream, batch);
        }
    }

    static void assertColumn(Map<String, Object> datasets, String name, String dtype, int rows,
            java.util.function.LongFunction<Object> expected) {
        Map<String, Object> ds = map(datasets, name);
        assertTrue(ds.get("dtype").toString().startsWith(dtype), name + " dtype " + ds.get("dtype"));
        List<?> values = (List<?>) ds.get("values");
        assertEquals(rows, values.size(), name + " rows");
        for (int row = 0; row < rows; row++) {
            Object want = expected.apply(row);
            Object got = values.get(row);
            if (want instanceof Number n && got instanceof Number g) {
                if (want instanceof Double || want instanceof Float) {
                    assertEquals(n.doubleValue(), g.doubleValue(), 0.0, name + " row " + row);
                } else {
                    assertEquals(n.longValue(), g.longValue(), name + " row " + row);
                }
            } else {
                assertEquals(want, got, name + " row " + row);
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Map)) {
            throw new AssertionError("no '" + key + "' in " + m.keySet());
        }
        return (Map<String, Object>) v;
    }

    static long number(Object o) {
        return ((Number) o).longValue();
    }

    static List<Long> longs(Object list) {
        return ((List<?>) list).stream().map(o -> ((Number) o).longValue()).toList();
    }
}
