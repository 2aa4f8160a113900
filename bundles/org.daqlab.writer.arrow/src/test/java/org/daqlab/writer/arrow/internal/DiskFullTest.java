package org.daqlab.writer.arrow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;
import org.daqlab.api.storage.TestStreams;
import org.daqlab.api.storage.Tmpfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
 * Runs the writer on a real file system that fills up (a 2 MiB tmpfs). The failing write names the
 * file, the stream and the fix. The partial message is cut off at once, so the file stays readable
 * up to its last complete batch. If the core's close after the failure can end the file, it is
 * complete and valid; if not even that fits, close fails naming the file, which keeps its temporary
 * name, and recovery completes it once there is space. Either way every row flushed before the disk
 * filled is read back by apache-arrow, and nothing incomplete looks finished.
 */
class DiskFullTest {

    private static final int ROWS = 1300;
    private static final int BATCHES_PER_FLUSH = 4;
    /** Far more than fits: reaching it means the disk never filled. */
    private static final int MAX_BATCHES = 100_000;
    private List<StreamDescriptor> streams = List.of(TestStreams.POWER, TestStreams.adc(4));

    @TempDir
    Path dir;
    private Tmpfs small;
    private Path ballast;
    private final BufferAllocator allocator = new RootAllocator();
    private ArrowStorageWriter writer;
    private TestRunContext context;
    private RunWriter run;
    private long flushedRows;

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

    /** Writes both streams, flushing every few batches, until the disk is full; returns the failure. */
    private IOException runUntilTheDiskIsFull(String format, String compression) throws Exception {
        writer = TestConfigs.writer(Map.of("format", format, "compression", compression));
        context = new TestRunContext(small.directory, ArrowWriterInteropTest.RUN, 1, allocator);
        run = writer.open(context);
        for (StreamDescriptor stream : streams) {
            run.describe(stream);
        }
        try {
            for (int batch = 1; batch <= MAX_BATCHES; batch++) {
                for (StreamDescriptor stream : streams) {
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
            assertTrue(flushedRows > 0, "premise: a flush completed before the disk filled");
            return e;
        }
        throw new AssertionError("premise: the 2 MiB file system fills up");
    }

    @ParameterizedTest(name = "{0} format, {1}")
    @CsvSource({"stream, none", "file, zstd"})
    void failureNamesTheFileAndCloseLeavesValidFilesWithEveryFlushedRow(String format, String compression) throws Exception {
        String extension = IpcFormat.fromOption(format).extension();
        IOException failure = runUntilTheDiskIsFull(format, compression);

        assertTrue(failure.getMessage().contains(".part") && failure.getMessage().contains("No space left on device")
                && failure.getMessage().contains("Fix:"), "names the file, the cause and the fix: " + failure.getMessage());
        String failedStream = failure.getMessage().contains("'power_meter_01'") ? "power_meter_01" : "adc0";
        assertTrue(failure.getMessage().contains(context.path(failedStream, extension).toString()), failure.getMessage());
        // the core closes a failed writer (and renames its files only if that succeeds)
        run.close(null);

        assertEveryFlushedRowIsThere(extension);
    }

    /**
     * The file format's end is a footer holding the schema; with a schema of more than a page (a long
     * calibration table in the instrument metadata) it cannot fit into the last, partly used page of
     * the file once the disk is full. (The stream format's 8-byte end marker nearly always fits there.)
     */
    @Test
    void whenNotEvenTheFooterFitsCloseFailsAndRecoveryCompletesTheFileOnceThereIsSpace() throws Exception {
        String extension = IpcFormat.FILE.extension();
        streams = streams.stream().map(DiskFullTest::withLargeSchema).toList();
        runUntilTheDiskIsFull("file", "none");
        // what the partial message freed is taken by something else before the core closes the writer
        Path filler = small.directory.resolve("filler");
        fill(filler);

        IOException closing = null;
        try {
            run.close(null);
        } catch (IOException e) {
            closing = e;
        }

        assertNotNull(closing, "a full disk cannot take the end of the failed file");
        assertTrue(closing.getMessage().contains(".part") && closing.getMessage().contains("completed at the next start"),
                closing.getMessage());
        Files.delete(filler);
        Files.delete(ballast);
        for (StreamDescriptor stream : streams) {
            Path part = context.path(stream.stream(), extension);
            assertNotNull(IpcRecovery.recover(part), "close released the file");
            Files.move(finalPath(part), part); // back under the name the assertions read
        }
        assertEveryFlushedRowIsThere(extension);
    }

    private void assertEveryFlushedRowIsThere(String extension) throws Exception {
        List<Path> files = streams.stream().map(s -> context.path(s.stream(), extension)).toList();
        List<JsonNode> read = ArrowJs.readAll(files, dir);
        for (int s = 0; s < streams.size(); s++) {
            long rows = ArrowJs.assertRows(ArrowJs.ok(read.get(s)), TestStreams.expected(streams.get(s)), 0);
            assertTrue(rows >= flushedRows, streams.get(s).stream() + ": " + rows + " rows, flushed " + flushedRows);
            assertEquals(0, rows % ROWS, "whole batches only");
        }
    }

    private static StreamDescriptor withLargeSchema(StreamDescriptor stream) {
        Map<String, String> metadata = new java.util.LinkedHashMap<>(stream.schema().getCustomMetadata());
        metadata.put("calibration", "0.001,".repeat(1500));
        return new StreamDescriptor(stream.stream(), stream.instrumentId(),
                new Schema(stream.schema().getFields(), metadata), stream.metadata());
    }

    private static void fill(Path filler) throws IOException {
        byte[] block = new byte[4096];
        try (var out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // the file system is full now
        }
    }

    private static Path finalPath(Path part) {
        String name = part.getFileName().toString();
        return part.resolveSibling(name.substring(0, name.length() - ".part".length()));
    }
}
