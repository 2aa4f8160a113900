package org.daqlab.writer.zarr.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;
import org.daqlab.api.storage.TestStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stream whose frames change shape, or whose columns change, mid-segment continues in a new
 * group of the same store ({@code <stream>.schema2}), so that every group stays a table of arrays
 * of one length that xarray opens as one dataset; the writer says so once, naming both groups.
 */
class SchemaChangeTest {

    @TempDir
    Path dir;
    private final BufferAllocator allocator = new RootAllocator();
    private ZarrStorageWriter writer;

    @AfterEach
    void close() throws Exception {
        if (writer != null) {
            writer.deactivate();
        }
        allocator.close();
    }

    @ParameterizedTest(name = "Zarr v{0}")
    @ValueSource(ints = {3, 2})
    void framesOfAnotherShapeGoToANewGroupWithAClearNotice(int format) throws Exception {
        writer = TestConfigs.writer(Map.of("zarr__format", format, "frames__per__chunk", 2));
        TestRunContext context = new TestRunContext(dir, ZarrWriterInteropTest.RUN, 1, allocator);
        RunWriter run = writer.open(context);
        StreamDescriptor small = TestStreams.camera(32, 40);
        run.describe(TestStreams.CAMERA);
        write(run, TestStreams.CAMERA, 0, 5);
        run.flush();
        // the driver re-describes the stream with the new frame size, as the core hands it on
        run.describe(small);
        write(run, small, 5, 4);
        write(run, small, 9, 3);
        run.close(null);

        List<String> shapeNotices = context.notices.stream().filter(n -> n.contains("frame shape")).toList();
        assertEquals(1, shapeNotices.size(), context.notices.toString());
        String notice = shapeNotices.get(0);
        assertTrue(notice.contains("stream 'camera0'") && notice.contains("column 'frame' changed its frame shape from "
                + "[48, 64] to [32, 40]") && notice.contains("group camera0.schema2") && notice.contains("group camera0 holds the 5 rows before"),
                notice);

        ZarrReaders.Read read = ZarrReaders.read(ZarrFormat.of(format), context.path(null, "zarr"), dir);
        ZarrReaders.assertStream(read, "camera0", TestStreams.CAMERA, 0, 5, List.of());
        ZarrReaders.assertStream(read, "camera0.schema2", small, 5, 7, List.of());
        assertEquals("[7,32,40]", ZarrReaders.array(ZarrReaders.group(read, "camera0.schema2"), "frame").get("shape").toString());
    }

    @Test
    void aBatchWithOtherColumnsStartsANewGroupToo() throws Exception {
        writer = TestConfigs.writer(Map.of());
        TestRunContext context = new TestRunContext(dir, ZarrWriterInteropTest.RUN, 1, allocator);
        RunWriter run = writer.open(context);
        StreamDescriptor adc = TestStreams.adc(2);
        run.describe(adc);
        write(run, adc, 0, 100);
        StreamDescriptor wider = TestStreams.adc(3);
        // no new description: the batch itself has a third channel
        try (VectorSchemaRoot batch = TestStreams.batch(wider, allocator, 100, 50)) {
            run.write("adc0", batch);
        }
        run.close(null);

        assertTrue(context.notices.stream().anyMatch(n -> n.contains("stream 'adc0' changed its columns from")
                && n.contains("ch2") && n.contains("group adc0.schema2") && n.contains("holds the 100 rows before")), context.notices.toString());
        ZarrReaders.Read read = ZarrReaders.read(ZarrFormat.V3, context.path(null, "zarr"), dir);
        ZarrReaders.assertStream(read, "adc0", adc, 0, 100, List.of());
        ZarrReaders.assertStream(read, "adc0.schema2", wider, 100, 50, List.of());
    }

    @Test
    void columnsZarrCannotHoldAreReportedOnceAndTheRestIsWritten() throws Exception {
        writer = TestConfigs.writer(Map.of());
        TestRunContext context = new TestRunContext(dir, ZarrWriterInteropTest.RUN, 1, allocator);
        RunWriter run = writer.open(context);
        run.describe(TestStreams.POWER);
        for (int batch = 0; batch < 3; batch++) {
            write(run, TestStreams.POWER, batch * 100L, 100);
            run.flush();
        }
        run.close(null);

        List<String> unsupported = new ArrayList<>();
        for (String notice : context.notices) {
            if (notice.contains("is not written to Zarr stores")) {
                unsupported.add(notice);
            }
        }
        assertEquals(1, unsupported.size(), context.notices.toString());
        assertTrue(unsupported.get(0).startsWith("stream 'power_meter_01': column 'note' (Utf8)"), unsupported.get(0));
        List<String> nulls = context.notices.stream().filter(n -> n.contains("null values")).toList();
        assertEquals(List.of("i32"), nulls.stream().map(n -> n.replaceAll(".*column '([^']*)'.*", "$1")).toList(),
                "integer nulls become 0 and are reported once; float nulls become NaN silently: " + nulls);
        ZarrReaders.Read read = ZarrReaders.read(ZarrFormat.V3, context.path(null, "zarr"), dir);
        ZarrReaders.assertStream(read, "power_meter_01", TestStreams.POWER, 0, 300, List.of("note"));
        for (Field field : TestStreams.POWER.schema().getFields()) {
            if (!field.getName().equals("note")) {
                assertTrue(ZarrReaders.group(read, "power_meter_01").get("arrays").has(field.getName()), field.getName());
            }
        }
        assertEquals(StreamSchemas.TIMESTAMP_NS, TestStreams.POWER.schema().getFields().get(0).getName());
    }

    private void write(RunWriter run, StreamDescriptor stream, long first, int rows) throws Exception {
        try (VectorSchemaRoot batch = TestStreams.batch(stream, allocator, first, rows)) {
            run.write(stream.stream(), batch);
        }
    }
}
