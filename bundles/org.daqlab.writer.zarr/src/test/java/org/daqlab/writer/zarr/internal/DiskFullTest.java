package org.daqlab.writer.zarr.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;
import org.daqlab.api.storage.TestStreams;
import org.daqlab.api.storage.Tmpfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the writer on a real file system that fills up (a 2 MiB tmpfs). The failure names the file,
 * the stream and the fix. Whatever the core's close after it can still do, the store never claims a
 * row whose chunk is not on disk: the reference reader reads every row of the last flush, exactly as
 * published, before and after the recovery that names the store once there is space.
 */
class DiskFullTest {

    private static final int ROWS = 1300;
    private static final int BATCHES_PER_FLUSH = 3;
    /** Far more than fits: reaching it means the disk never filled. */
    private static final int MAX_BATCHES = 100_000;
    private static final List<StreamDescriptor> STREAMS = List.of(TestStreams.POWER, TestStreams.adc(4));

    @TempDir
    Path dir;
    private Tmpfs small;
    private Path ballast;
    private final BufferAllocator allocator = new RootAllocator();
    private ZarrStorageWriter writer;

    @BeforeEach
    void mountASmallFileSystem() throws Exception {
        StringBuilder why = new StringBuilder();
        small = Tmpfs.mount(dir.resolve("small"), "size=2m", why);
        assumeTrue(small != null, "no small file system to fill: " + why);
        // space to give back later, as an operator deleting files would
        ballast = Files.write(small.directory.resolve("ballast"), new byte[256 * 1024]);
    }

    @AfterEach
    void unmount() throws Exception {
        try {
            if (writer != null) {
                writer.deactivate();
            }
            allocator.close();
        } finally {
            if (small != null) {
                small.close();
            }
        }
    }

    @ParameterizedTest(name = "Zarr v{0}, {1}")
    @CsvSource({"3, none", "2, zstd"})
    void theFailureNamesTheFileAndTheStoreKeepsEveryFlushedRow(int format, String compression) throws Exception {
        writer = TestConfigs.writer(Map.of("zarr__format", format, "compression", compression, "chunk__rows", 2000));
        TestRunContext context = new TestRunContext(small.directory, ZarrWriterInteropTest.RUN, 1, allocator);
        RunWriter run = writer.open(context);
        for (StreamDescriptor stream : STREAMS) {
            run.describe(stream);
        }
        long flushedRows = 0;
        IOException failure = null;
        try {
            for (int batch = 1; batch <= MAX_BATCHES; batch++) {
                for (StreamDescriptor stream : STREAMS) {
                    try (VectorSchemaRoot root = TestStreams.batch(stream, allocator, (batch - 1L) * ROWS, ROWS)) {
                        run.write(stream.stream(), root);
                    }
                }
                if (batch % BATCHES_PER_FLUSH == 0) {
                    run.flush();
                    flushedRows = (long) batch * ROWS;
                }
            }
        } catch (IOException e) {
            failure = e;
        }
        assertNotNull(failure, "premise: the 2 MiB file system fills up");
        assertTrue(flushedRows > 0, "premise: a flush completed before the disk filled");
        String message = failure.getMessage();
        Path store = context.path(null, "zarr");
        assertTrue(message.contains(store.toString()) && message.contains("No space left on device")
                && message.contains("Fix: free space") && message.matches("(?s).*stream '(power_meter_01|adc0)'.*"),
                "names the file, the stream, the cause and the fix: " + message);

        IOException closing = null;
        try {
            run.close(null); // as the core closes a failed writer
        } catch (IOException e) {
            closing = e;
        }
        assertTrue(closing == null || closing.getMessage().contains("is left as of its last flush"), String.valueOf(closing));
        assertEveryArrayHoldsTheFlushedRows(format, store, flushedRows);

        Files.delete(ballast);
        if (closing != null) {
            assertNotNull(StoreRecovery.recover(store, new ObjectMapper()), "close released the store");
            store = store.resolveSibling("run_s1.zarr");
            assertEveryArrayHoldsTheFlushedRows(format, store, flushedRows);
        }
    }

    private void assertEveryArrayHoldsTheFlushedRows(int format, Path store, long flushedRows) throws Exception {
        ZarrReaders.Read read = ZarrReaders.read(ZarrFormat.of(format), store, dir);
        for (StreamDescriptor stream : STREAMS) {
            Map<String, Long> lengths = ZarrReaders.lengths(read, stream.stream());
            long rows = lengths.values().stream().mapToLong(Long::longValue).min().orElseThrow();
            assertTrue(rows >= flushedRows, stream.stream() + ": " + lengths + ", flushed " + flushedRows);
            assertEquals(0, rows % (BATCHES_PER_FLUSH * ROWS), "a flush's rows: " + lengths);
            ZarrReaders.assertStreamPrefix(read, stream.stream(), stream, rows, stream == TestStreams.POWER ? List.of("note") : List.of());
        }
    }
}
