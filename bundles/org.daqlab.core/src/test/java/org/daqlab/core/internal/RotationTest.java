package org.daqlab.core.internal;

import org.daqlab.api.instrument.StreamPublisher;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.storage.FileStats;
import org.daqlab.api.storage.RunContext;
import org.daqlab.api.storage.WriterStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.daqlab.core.internal.CoreFixture.fileNames;
import static org.daqlab.core.internal.CoreFixture.namePrefix;
import static org.daqlab.core.internal.CoreFixture.rowsInFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rotation splits a run into numbered segments without losing or repeating a row. */
class RotationTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path work;

    @Test
    void rotationBySizeStartsANewSegmentOnceTheFilesReachTheLimit() throws Exception {
        // 1,280 rows of 1 KiB: one batch takes a segment past rotation_size_mb = 1 (MiB)
        int rowsPerBatch = 1_280;
        try (CoreFixture fixture = new CoreFixture(work)) {
            RecordingWriter writer = new RecordingWriter(1024);
            fixture.bindWriter(writer, "by-size", Map.of("rotation_size_mb", 1));
            try (StreamPublisher power = fixture.core.openStream(PowerStream.descriptor("power"))) {
                RunStart start = fixture.core.start("size_rotation", Map.of());
                for (int segment = 1; segment <= 3; segment++) {
                    PowerStream.publish(power, fixture.allocator, (segment - 1L) * rowsPerBatch, rowsPerBatch);
                    int next = segment + 1;
                    Await.until("segment " + next + " is open", () -> writer.segments.size() == next);
                }
                PowerStream.publish(power, fixture.allocator, 3L * rowsPerBatch, 100);
                fixture.core.stop("done");

                WriterStats stats = fixture.stats("by-size");
                String prefix = namePrefix(start) + "_v1_power_";
                assertEquals(List.of(prefix + "0001.txt", prefix + "0002.txt", prefix + "0003.txt", prefix + "0004.txt"),
                        fileNames(stats));
                assertEquals(List.of(1_280L, 1_280L, 1_280L, 100L), stats.completedFiles().stream().map(FileStats::rows).toList());
                stats.completedFiles().subList(0, 3).forEach(f -> assertTrue(f.bytes() >= MIB, f.toString()));
                assertEquals(PowerStream.rows(0, 3L * rowsPerBatch + 100), rowsInFiles(stats));
                assertSegmentsNumberedAndDescribed(writer);
                assertEquals(List.of(), fixture.temporaryFiles());
            }
        }
    }

    @Test
    void rotationByDurationStartsANewSegmentEverySoManySeconds() throws Exception {
        try (CoreFixture fixture = new CoreFixture(work)) {
            RecordingWriter writer = fixture.bindWriter("by-duration", Map.of("rotation_duration_secs", 1));
            try (StreamPublisher power = fixture.core.openStream(PowerStream.descriptor("power"))) {
                fixture.core.start("duration_rotation", Map.of());
                long published = 0;
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (writer.segments.size() < 3) {
                    assertTrue(System.nanoTime() < deadline, "no third segment within 20 s: " + writer.calls);
                    PowerStream.publish(power, fixture.allocator, published, 10);
                    published += 10;
                    Thread.sleep(20);
                }
                PowerStream.publish(power, fixture.allocator, published, 10);
                published += 10;
                fixture.core.stop("done");

                WriterStats stats = fixture.stats("by-duration");
                int segments = writer.segments.size();
                List<String> names = fileNames(stats);
                assertEquals(segments, names.size());
                for (int i = 0; i < segments; i++) {
                    assertTrue(names.get(i).endsWith(String.format("_v1_power_%04d.txt", i + 1)), names.toString());
                }
                assertEquals(PowerStream.rows(0, published), rowsInFiles(stats), "every row once, in order, across the segments");
                assertEquals(published, stats.completedFiles().stream().mapToLong(FileStats::rows).sum());
                assertSegmentsNumberedAndDescribed(writer);
            }
        }
    }

    /** Segments count from 1; each is closed as a segment but the last, and each has the stream described again. */
    private static void assertSegmentsNumberedAndDescribed(RecordingWriter writer) {
        int segments = writer.segments.size();
        assertEquals(IntStream.rangeClosed(1, segments).boxed().toList(), writer.segments.stream().map(RunContext::segment).toList());
        assertEquals(segments, writer.count("describe power"));
        assertEquals(segments - 1, writer.count("close segment"));
        assertEquals("close SUCCESS", writer.calls.get(writer.calls.size() - 1));
    }
}
