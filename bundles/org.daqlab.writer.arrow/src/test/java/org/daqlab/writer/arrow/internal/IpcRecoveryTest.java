package org.daqlab.writer.arrow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;
import org.daqlab.api.storage.TestStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recovery of unfinished files, cut at every kind of place a crash can leave them: at a message
 * boundary, inside a message's prefix, metadata or body, inside the schema, after the end marker,
 * inside the file format's footer. A recovered file holds exactly the complete batches before the
 * cut (read by Arrow Java and apache-arrow); nothing is deleted when there is nothing to recover;
 * live files are left alone; sidecars follow their file.
 */
class IpcRecoveryTest {

    private static final int[] SIZES = {3, 500, 1, 77, 250, 4};

    @TempDir
    Path dir;
    private final BufferAllocator allocator = new RootAllocator();

    @AfterEach
    void close() {
        allocator.close();
    }

    /** A segment's power file written batch by batch, with the file's size after each batch. */
    private record Written(Path part, List<Long> ends, long schemaEnd) {
    }

    private Written writePower(Path directory, String format, String compression, boolean close) throws Exception {
        Files.createDirectories(directory);
        ArrowStorageWriter writer = TestConfigs.writer(Map.of("format", format, "compression", compression));
        TestRunContext context = new TestRunContext(directory, ArrowWriterInteropTest.RUN, 1, allocator);
        RunWriter run = writer.open(context);
        run.describe(TestStreams.POWER);
        Path part = context.path(TestStreams.POWER.stream(), IpcFormat.fromOption(format).extension());
        long schemaEnd = Files.size(part);
        List<Long> ends = new ArrayList<>();
        long first = 0;
        for (int rows : SIZES) {
            try (VectorSchemaRoot batch = TestStreams.batch(TestStreams.POWER, allocator, first, rows)) {
                run.write(TestStreams.POWER.stream(), batch);
            }
            first += rows;
            run.flush(); // the batch is in the file now, and the file's size is where it ends
            ends.add(Files.size(part));
        }
        if (close) {
            run.close(ArrowWriterInteropTest.STOP);
        } else {
            run.flush();
            // the file stays open (and locked) like a crashed writer's; recovery works on copies
        }
        writer.deactivate();
        return new Written(part, ends, schemaEnd);
    }

    private static Path finalPath(Path part) {
        String name = part.getFileName().toString();
        return part.resolveSibling(name.substring(0, name.length() - ".part".length()));
    }

    /** The first {@code length} bytes of {@code part}, as a leftover in a fresh directory. */
    private Path cut(Path part, long length, String name) throws IOException {
        Path copy = Files.createDirectories(dir.resolve(name)).resolve(part.getFileName());
        byte[] bytes = Files.readAllBytes(part);
        Files.write(copy, java.util.Arrays.copyOf(bytes, (int) length));
        return copy;
    }

    @ParameterizedTest(name = "{0} format, {1}")
    @CsvSource({"stream, none", "stream, zstd", "file, lz4_frame", "file, none"})
    void cutAnywhereKeepsExactlyTheCompleteBatchesBeforeTheCut(String format, String compression) throws Exception {
        IpcFormat ipc = IpcFormat.fromOption(format);
        Written written = writePower(dir.resolve("live"), format, compression, false);
        TreeSet<Long> cuts = new TreeSet<>();
        long previous = written.schemaEnd();
        for (long end : written.ends()) {
            // at the boundary, just after it (inside the next prefix), inside the metadata, inside the body, just before the end
            cuts.addAll(List.of(previous, previous + 3, previous + 8, previous + 40, (previous + end) / 2, end - 1));
            previous = end;
        }
        cuts.add(written.ends().get(written.ends().size() - 1));
        List<Path> recovered = new ArrayList<>();
        List<Integer> expectedBatches = new ArrayList<>();
        int n = 0;
        for (long cut : cuts) {
            Path part = cut(written.part(), cut, "cut" + n++);
            String report = IpcRecovery.recover(part);
            int complete = (int) written.ends().stream().filter(end -> end <= cut).count();
            assertTrue(report.contains(complete + " record batches"), "cut at " + cut + ": " + report);
            long wholeEnd = complete == 0 ? written.schemaEnd() : written.ends().get(complete - 1);
            assertTrue(cut == wholeEnd || report.contains((cut - wholeEnd) + " bytes after the last complete batch were cut off"),
                    "cut at " + cut + ": " + report);
            long[] rows = {0};
            ArrowJava.Read read = ArrowJava.read(finalPath(part), ipc, allocator, (b, batch) -> {
                assertEquals(SIZES[b], batch.getRowCount());
                rows[0] += batch.getRowCount();
            });
            assertEquals(complete, read.batches(), "cut at " + cut + ": Arrow Java reads the complete batches");
            if (ipc == IpcFormat.FILE) {
                assertTrue(read.footerMetadata().containsKey(SegmentMetadata.RECOVERED), "the footer says it was recovered");
            }
            recovered.add(finalPath(part));
            expectedBatches.add(complete);
        }
        List<JsonNode> files = ArrowJs.readAll(recovered, dir);
        for (int i = 0; i < files.size(); i++) {
            JsonNode file = ArrowJs.ok(files.get(i));
            // apache-arrow hands out one empty placeholder batch for a stream without batches
            List<Integer> rows = ArrowJs.batchRows(file).stream().filter(r -> r > 0).toList();
            assertEquals(java.util.Arrays.stream(SIZES).limit(expectedBatches.get(i)).boxed().toList(), rows,
                    recovered.get(i) + ": batches apache-arrow reads");
            ArrowJs.assertRows(file, TestStreams.expected(TestStreams.POWER), 0);
        }
    }

    @ParameterizedTest(name = "{0} format")
    @CsvSource({"stream", "file"})
    void fileCutInsideItsSchemaIsReportedAndLeftAsItIs(String format) throws Exception {
        Written written = writePower(dir.resolve("live"), format, "none", false);
        Path part = cut(written.part(), written.schemaEnd() - 5, "schema");
        byte[] before = Files.readAllBytes(part);

        IOException e = assertThrows(IOException.class, () -> IpcRecovery.recover(part));

        assertTrue(e.getMessage().contains("no complete Arrow schema"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(part), "nothing is changed or deleted");
    }

    @Test
    void fileFormatCutInsideItsFooterGetsItsFooterBack() throws Exception {
        Written written = writePower(dir.resolve("closed"), "file", "zstd", true);
        long size = Files.size(written.part());
        for (long cut : new long[] {size - 1, size - 10, size - 40, written.ends().get(SIZES.length - 1) + 8}) {
            Path part = cut(written.part(), cut, "footer" + cut);
            String report = IpcRecovery.recover(part);
            assertTrue(report.contains(SIZES.length + " record batches"), report);
            ArrowJava.Read read = ArrowJava.read(finalPath(part), IpcFormat.FILE, allocator, (b, batch) -> { });
            assertEquals(SIZES.length, read.batches());
        }
    }

    @ParameterizedTest(name = "{0} format")
    @CsvSource({"stream", "file"})
    void completeFileIsOnlyRenamed(String format) throws Exception {
        Written written = writePower(dir.resolve("closed"), format, "zstd", true);
        byte[] before = Files.readAllBytes(written.part());

        String report = IpcRecovery.recover(written.part());

        assertTrue(report.contains("complete already and is only renamed"), report);
        assertArrayEquals(before, Files.readAllBytes(finalPath(written.part())));
    }

    @Test
    void fileALiveWriterHoldsIsLeftAlone() throws Exception {
        ArrowStorageWriter writer = TestConfigs.writer(Map.of());
        TestRunContext context = new TestRunContext(dir, ArrowWriterInteropTest.RUN, 1, allocator);
        RunWriter run = writer.open(context);
        run.describe(TestStreams.POWER);
        try {
            Path part = context.path(TestStreams.POWER.stream(), "arrows");
            assertNull(IpcRecovery.recover(part), "locked by a live writer of this JVM");
            assertTrue(Files.exists(part));
        } finally {
            run.close(null);
            writer.deactivate();
        }
    }

    @Test
    void existingFinalNameIsNotOverwritten() throws Exception {
        Written written = writePower(dir.resolve("live"), "stream", "none", false);
        Path part = cut(written.part(), written.ends().get(1), "taken");
        Files.writeString(finalPath(part), "someone else's file");

        String report = IpcRecovery.recover(part);

        Path recovered = part.resolveSibling("power_meter_01_s1.recovered.arrows");
        assertTrue(report.contains(recovered.getFileName().toString()), report);
        assertEquals("someone else's file", Files.readString(finalPath(part)));
        assertEquals(2, ArrowJava.read(recovered, IpcFormat.STREAM, allocator, (b, batch) -> { }).batches());
    }

    @Test
    void sidecarsAreRenamedWithTheirFileOrAlone() throws Exception {
        // a segment with a metadata change: its sidecar exists beside the data file
        ArrowStorageWriter writer = TestConfigs.writer(Map.of());
        TestRunContext context = new TestRunContext(dir.resolve("live"), ArrowWriterInteropTest.RUN, 1, allocator);
        Files.createDirectories(dir.resolve("live"));
        RunWriter run = writer.open(context);
        run.describe(TestStreams.POWER);
        try (VectorSchemaRoot batch = TestStreams.batch(TestStreams.POWER, allocator, 0, 10)) {
            run.write(TestStreams.POWER.stream(), batch);
        }
        run.metadata(new MetadataUpdate(null, "sample", "Si-9", 1L));
        run.flush();
        Path data = context.path(TestStreams.POWER.stream(), "arrows");
        Path sidecar = context.path(TestStreams.POWER.stream(), "arrows.json");
        Path crashed = Files.createDirectories(dir.resolve("crashed"));
        Files.copy(data, crashed.resolve(data.getFileName()));
        Files.copy(sidecar, crashed.resolve(sidecar.getFileName()));
        Path orphans = Files.createDirectories(dir.resolve("orphan"));
        Files.copy(sidecar, orphans.resolve(sidecar.getFileName()));
        run.close(null);
        writer.deactivate();

        assertEquals(List.of(crashed.resolve(data.getFileName())), IpcRecovery.leftovers(crashed),
                "the sidecar goes with its data file");
        String report = IpcRecovery.recover(crashed.resolve(data.getFileName()));
        assertTrue(report.contains("with its metadata sidecar power_meter_01_s1.arrows.json"), report);
        assertTrue(Files.exists(crashed.resolve("power_meter_01_s1.arrows.json")));

        Path orphan = orphans.resolve(sidecar.getFileName());
        assertEquals(List.of(orphan), IpcRecovery.leftovers(orphans), "a sidecar whose data file was renamed already");
        IpcRecovery.recover(orphan);
        assertTrue(Files.exists(orphans.resolve("power_meter_01_s1.arrows.json")));
        assertFalse(Files.exists(orphan));
    }

    @Test
    void otherWritersLeftoversAreNotTouched() throws Exception {
        Files.writeString(dir.resolve("run_s1.h5.part"), "hdf5");
        Files.writeString(dir.resolve("x_adc0.csv.part"), "csv");
        assertEquals(List.of(), IpcRecovery.leftovers(dir));
    }

    @Test
    void firstFileOpenedInADirectoryRecoversItsLeftoversInTheBackgroundAndSaysSo() throws Exception {
        Written written = writePower(dir.resolve("live"), "stream", "zstd", false);
        Path output = Files.createDirectories(dir.resolve("output"));
        Path leftover = Files.copy(written.part(), output.resolve("crashed_" + written.part().getFileName()));

        ArrowStorageWriter writer = TestConfigs.writer(Map.of("compression", "zstd"));
        TestRunContext context = new TestRunContext(output, ArrowWriterInteropTest.RUN, 1, allocator);
        RunWriter run = writer.open(context);
        StreamDescriptor adc = TestStreams.ADC;
        run.describe(adc);
        run.close(null);
        writer.deactivate(); // waits for the recovery thread

        Path recovered = finalPath(leftover);
        assertTrue(Files.exists(recovered) && !Files.exists(leftover), "the leftover was completed and renamed");
        assertEquals(SIZES.length, ArrowJava.read(recovered, IpcFormat.STREAM, allocator, (b, batch) -> { }).batches());
        assertTrue(context.notices.stream().anyMatch(n -> n.startsWith("recovered " + recovered.getFileName())
                && n.contains("stream 'power_meter_01'") && n.contains(SIZES.length + " record batches")), "notices: " + context.notices);
        assertTrue(Files.exists(context.path(adc.stream(), "arrows")), "the live segment's own file is not a leftover");
    }
}
