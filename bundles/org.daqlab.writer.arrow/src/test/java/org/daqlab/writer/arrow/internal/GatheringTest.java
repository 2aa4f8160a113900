package org.daqlab.writer.arrow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;
import org.daqlab.api.storage.TestStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code batch_rows}: small batches are gathered into batches of that many rows, written early at a
 * flush and at close (never lost, never reordered); a batch that is large already passes through
 * after whatever was gathered; a gathered batch never holds more than the byte bound.
 */
class GatheringTest {

    @TempDir
    Path dir;
    private final BufferAllocator allocator = new RootAllocator();

    @AfterEach
    void close() {
        allocator.close();
    }

    @Test
    void singleReadingsAreGatheredToBatchRowsAndWrittenEarlyAtFlushAndClose() throws Exception {
        ArrowStorageWriter writer = TestConfigs.writer(Map.of("batch__rows", 100, "compression", "zstd"));
        TestRunContext context = new TestRunContext(dir, ArrowWriterInteropTest.RUN, 1, allocator);
        RunWriter run = writer.open(context);
        run.describe(TestStreams.POWER);
        write(run, TestStreams.POWER, 0, 130, 1);
        run.flush();
        write(run, TestStreams.POWER, 130, 120, 1);
        write(run, TestStreams.POWER, 250, 400, 400); // large: the 20 gathered rows go first, then it as it is
        write(run, TestStreams.POWER, 650, 5, 1);
        run.close(ArrowWriterInteropTest.STOP);
        writer.deactivate();

        JsonNode file = ArrowJs.ok(ArrowJs.read(context.path("power_meter_01", "arrows"), dir));
        assertEquals(List.of(100, 30, 100, 20, 400, 5), ArrowJs.batchRows(file));
        assertEquals(655, ArrowJs.assertRows(file, TestStreams.expected(TestStreams.POWER), 0), "every row once, in order");
        assertEquals(655, context.file("power_meter_01", "arrows").rows());
    }

    @Test
    void gatheredFramesAreWrittenAtTheByteBound() throws Exception {
        long frameBytes = 2L * TestStreams.HEIGHT * TestStreams.WIDTH;
        ArrowSettings settings = new ArrowSettings(IpcFormat.FILE, BodyCompression.LZ4_FRAME, 0, 1000, 5 * frameBytes);
        TestRunContext context = new TestRunContext(dir, ArrowWriterInteropTest.RUN, 1, allocator);
        RunWriter run = new ArrowRunWriter(context, settings, new ObjectMapper(), directory -> { });
        run.describe(TestStreams.CAMERA);
        write(run, TestStreams.CAMERA, 0, 23, 1);
        run.close(ArrowWriterInteropTest.STOP);

        JsonNode file = ArrowJs.ok(ArrowJs.read(context.path("camera0", "arrow"), dir));
        List<Integer> batches = ArrowJs.batchRows(file);
        // frame pixels reach the bound at the fifth frame (timestamps and numbers add a little)
        assertEquals(List.of(5, 5, 5, 5, 3), batches);
        assertEquals(23, ArrowJs.assertRows(file, TestStreams.expected(TestStreams.CAMERA), 0));
        assertTrue(batches.stream().allMatch(b -> b < 1000));
    }

    private void write(RunWriter run, StreamDescriptor stream, long first, int rows, int perBatch) throws Exception {
        for (long row = first; row < first + rows; row += perBatch) {
            try (VectorSchemaRoot batch = TestStreams.batch(stream, allocator, row, perBatch)) {
                run.write(stream.stream(), batch);
            }
        }
    }
}
