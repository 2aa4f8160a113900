package org.daqlab.core.internal;

import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.instrument.StreamPublisher;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.FileStats;
import org.daqlab.api.storage.OutputFile;
import org.daqlab.api.storage.RunContext;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.StorageWriter;
import org.daqlab.api.storage.WriterStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.daqlab.core.internal.CoreFixture.fileNames;
import static org.daqlab.core.internal.CoreFixture.namePrefix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Output directories ({@link RunContext#createDirectory}): created empty under the temporary name,
 * flushed without the core opening the directory as a file, sized by the files inside (statistics,
 * rotation by size) and renamed whole when the segment closes.
 */
class DirectoryOutputTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path work;

    @Test
    void aDirectoryIsWrittenUnderItsTemporaryNameFlushedSizedAndRenamedWholeAtTheEnd() throws Exception {
        try (CoreFixture fixture = new CoreFixture(work)) {
            TreeWriter writer = new TreeWriter(100);
            fixture.bindWriter(writer, "tree", Map.of("auto_flush_interval_secs", 0));
            try (StreamPublisher power = fixture.core.openStream(PowerStream.descriptor("power"))) {
                RunStart start = fixture.core.start("tree", Map.of());
                PowerStream.publish(power, fixture.allocator, 0, 10);
                PowerStream.publish(power, fixture.allocator, 10, 5);
                fixture.core.flush(); // the core's sync of a directory must not fail as it would opening one for writing

                Path temp = fixture.outputDir.resolve(namePrefix(start) + "_v1.tree.part");
                assertTrue(Files.isDirectory(temp), "written under the temporary name: " + temp);
                Await.until("the statistics count the bytes in the directory's files",
                        () -> fixture.stats("tree").bytesWritten() == 1_500);
                assertEquals(List.of(temp.toString()), fixture.stats("tree").currentFiles());
                fixture.core.stop("done");

                WriterStats stats = fixture.stats("tree");
                assertEquals(List.of(namePrefix(start) + "_v1.tree"), fileNames(stats));
                FileStats done = stats.completedFiles().get(0);
                Path store = Path.of(done.path());
                assertTrue(Files.isDirectory(store));
                assertFalse(Files.exists(temp));
                assertEquals(15, done.rows());
                assertEquals(1_500, done.bytes(), "the sum of the files inside, not the directory's own size");
                assertEquals(List.of("batch-0", "batch-1", "sub"), list(store));
                assertEquals(List.of(), fixture.temporaryFiles());
            }
        }
    }

    @Test
    void rotationBySizeCountsTheFilesInsideADirectory() throws Exception {
        int rowsPerBatch = 1_280; // of 1 KiB each: one batch takes a segment past rotation_size_mb = 1
        try (CoreFixture fixture = new CoreFixture(work)) {
            TreeWriter writer = new TreeWriter(1024);
            fixture.bindWriter(writer, "tree", Map.of("rotation_size_mb", 1));
            try (StreamPublisher power = fixture.core.openStream(PowerStream.descriptor("power"))) {
                RunStart start = fixture.core.start("tree_rotation", Map.of());
                for (int segment = 1; segment <= 2; segment++) {
                    PowerStream.publish(power, fixture.allocator, (segment - 1L) * rowsPerBatch, rowsPerBatch);
                    int next = segment + 1;
                    Await.until("segment " + next + " is open", () -> writer.segments.size() == next);
                }
                fixture.core.stop("done");

                WriterStats stats = fixture.stats("tree");
                String prefix = namePrefix(start) + "_v1_";
                assertEquals(List.of(prefix + "0001.tree", prefix + "0002.tree", prefix + "0003.tree"), fileNames(stats));
                assertEquals(List.of(1_280L, 1_280L, 0L), stats.completedFiles().stream().map(FileStats::rows).toList());
                stats.completedFiles().subList(0, 2).forEach(f -> assertTrue(f.bytes() >= MIB, f.toString()));
            }
        }
    }

    @Test
    void aLeftoverTemporaryDirectoryIsNotReusedButNamed() throws Exception {
        try (CoreFixture fixture = new CoreFixture(work)) {
            TreeWriter writer = new TreeWriter(10);
            // no {version}: the name repeats, so a leftover of a crash is in the way
            fixture.bindWriter(writer, "tree", Map.of("file_name_template", "{experiment}.{ext}"));
            Files.createDirectories(fixture.outputDir.resolve("leftover.tree.part"));
            try (StreamPublisher power = fixture.core.openStream(PowerStream.descriptor("power"))) {
                fixture.core.start("leftover", Map.of());
                PowerStream.publish(power, fixture.allocator, 0, 1);
                Await.until("the writer failed", () -> fixture.stats("tree").lastError() != null);
                String error = fixture.stats("tree").lastError();
                assertTrue(error.contains("leftover.tree.part") && error.contains("exists already"), error);
                fixture.core.stop("done");
            }
        }
    }

    private static List<String> list(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * A writer of one directory per segment ({@code .tree}) holding a file per batch of
     * {@code bytesPerRow} bytes per row, and an empty subdirectory.
     */
    private static final class TreeWriter implements StorageWriter {
        final List<RunContext> segments = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final int bytesPerRow;

        TreeWriter(int bytesPerRow) {
            this.bytesPerRow = bytesPerRow;
        }

        @Override
        public String format() {
            return "tree";
        }

        @Override
        public RunWriter open(RunContext context) throws IOException {
            segments.add(context);
            OutputFile tree = context.createDirectory(null, "tree");
            Files.createDirectory(tree.path().resolve("sub"));
            return new RunWriter() {
                private int batches;

                @Override
                public void describe(StreamDescriptor descriptor) {
                    // one tree for every stream
                }

                @Override
                public void write(String stream, VectorSchemaRoot batch) throws IOException {
                    BigIntVector timestamps = (BigIntVector) batch.getVector(StreamSchemas.TIMESTAMP_NS);
                    List<String> lines = new ArrayList<>();
                    for (int row = 0; row < batch.getRowCount(); row++) {
                        String line = Long.toString(timestamps.get(row));
                        lines.add(line + " ".repeat(bytesPerRow - 1 - line.length()) + "\n");
                    }
                    Files.writeString(tree.path().resolve("batch-" + batches++), String.join("", lines),
                            StandardCharsets.US_ASCII);
                    tree.addRows(batch.getRowCount());
                }

                @Override
                public void metadata(MetadataUpdate update) {
                    // not recorded
                }

                @Override
                public void flush() {
                    // every batch is in its file already
                }

                @Override
                public void close(RunStop stop) {
                    // nothing open
                }
            };
        }
    }
}
