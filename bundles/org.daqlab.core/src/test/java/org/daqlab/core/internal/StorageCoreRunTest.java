package org.daqlab.core.internal;

import org.daqlab.api.instrument.StreamPublisher;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.storage.FileStats;
import org.daqlab.api.storage.WriterState;
import org.daqlab.api.storage.WriterStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.daqlab.core.internal.CoreFixture.fileNames;
import static org.daqlab.core.internal.CoreFixture.namePrefix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs through the core on a real ring: what writers receive, the files they leave, their statistics. */
class StorageCoreRunTest {

    @TempDir
    Path work;

    @Test
    void everyRowOfTheRunReachesTheWriterInOrderAndEndsUpInFinallyNamedFiles() throws Exception {
        try (CoreFixture fixture = new CoreFixture(work)) {
            RecordingWriter writer = fixture.bindWriter("recorder", Map.of());
            RunStart start;
            RunStop stop;
            try (StreamPublisher power = fixture.core.openStream(PowerStream.descriptor("power"));
                    StreamPublisher laser = fixture.core.openStream(PowerStream.descriptor("laser"))) {
                PowerStream.publish(power, fixture.allocator, 0, 100); // between runs: for live readers only
                start = fixture.core.start("wavelength_scan", Map.of("operator", "ada"));
                for (int batch = 0; batch < 10; batch++) {
                    PowerStream.publish(power, fixture.allocator, 1_000 + batch * 50, 50);
                    PowerStream.publish(laser, fixture.allocator, 5_000 + batch * 7, 7);
                }
                stop = fixture.core.stop("scan done").orElseThrow();
            }

            assertEquals(Map.of("power", 500L, "laser", 70L), stop.rowsPerStream());
            assertEquals(PowerStream.rows(1_000, 500), writer.rowsReceived("power"));
            assertEquals(PowerStream.rows(5_000, 70), writer.rowsReceived("laser"));
            assertEquals("open 1", writer.calls.get(0));
            for (String stream : List.of("power", "laser")) {
                assertTrue(writer.firstCall("describe " + stream) < writer.firstCall("write " + stream),
                        stream + " described before its first batch: " + writer.calls);
            }
            assertEquals(10, writer.count("write power 50"));
            assertEquals(10, writer.count("write laser 7"));
            assertEquals("close SUCCESS", writer.calls.get(writer.calls.size() - 1));
            assertEquals(List.of(stop), writer.stops);

            WriterStats stats = fixture.stats("recorder");
            assertEquals(WriterState.IDLE, stats.state());
            assertNull(stats.lastError());
            assertEquals(20, stats.batches());
            assertEquals(570, stats.rows());
            assertTrue(stats.bytesIn() > 0);
            assertEquals(0, stats.recordsLost());
            assertEquals(0, stats.recordsNotWritten());
            assertEquals(List.of(), stats.currentFiles());
            String prefix = namePrefix(start) + "_v1";
            assertEquals(Set.of(prefix + "_power.txt", prefix + "_laser.txt"), Set.copyOf(fileNames(stats)));
            long bytesOnDisk = 0;
            for (FileStats file : stats.completedFiles()) {
                Path path = Path.of(file.path());
                assertEquals(fixture.outputDir, path.getParent());
                assertEquals(file.stream().equals("power") ? 500 : 70, file.rows());
                assertEquals(Files.size(path), file.bytes());
                assertEquals(writer.rowsReceived(file.stream()), RecordingWriter.rowsIn(path));
                bytesOnDisk += file.bytes();
            }
            assertEquals(bytesOnDisk, stats.bytesWritten());
            assertEquals(List.of(), fixture.temporaryFiles());
        }
    }

    @Test
    void theStopDocumentCountsTheRowsOfStreamsClosedDuringTheRun() throws Exception {
        try (CoreFixture fixture = new CoreFixture(work)) {
            RecordingWriter writer = fixture.bindWriter("recorder", Map.of());
            StreamPublisher power = fixture.core.openStream(PowerStream.descriptor("power"));
            PowerStream.publish(power, fixture.allocator, 0, 3); // before the run: not counted
            fixture.core.start("driver_restart", Map.of());
            PowerStream.publish(power, fixture.allocator, 3, 10);
            power.close();
            try (StreamPublisher reopened = fixture.core.openStream(PowerStream.descriptor("power"))) {
                PowerStream.publish(reopened, fixture.allocator, 13, 5);
                try (StreamPublisher laser = fixture.core.openStream(PowerStream.descriptor("laser"))) {
                    PowerStream.publish(laser, fixture.allocator, 100, 7);
                }
                RunStop stop = fixture.core.stop("done").orElseThrow();

                assertEquals(Map.of("power", 15L, "laser", 7L), stop.rowsPerStream());
                assertEquals(PowerStream.rows(3, 15), writer.rowsReceived("power"));
                assertEquals(PowerStream.rows(100, 7), writer.rowsReceived("laser"));
            }
        }
    }

    @Test
    void aWriterBoundDuringARunJoinsAtOnceWithTheRunsStreams() throws Exception {
        try (CoreFixture fixture = new CoreFixture(work)) {
            RecordingWriter early = fixture.bindWriter("early", Map.of());
            try (StreamPublisher power = fixture.core.openStream(PowerStream.descriptor("power"))) {
                RunStart start = fixture.core.start("late_join", Map.of());
                PowerStream.publish(power, fixture.allocator, 0, 10);

                RecordingWriter late = fixture.bindWriter("late", Map.of());
                try (StreamPublisher laser = fixture.core.openStream(PowerStream.descriptor("laser"))) {
                    PowerStream.publish(power, fixture.allocator, 10, 20);
                    PowerStream.publish(laser, fixture.allocator, 100, 5);
                    fixture.core.stop("done");
                }

                assertEquals(List.of("open 1", "describe power"), late.calls.subList(0, 2), "joined the run at once");
                assertSame(start, late.segments.get(0).run());
                assertTrue(late.calls.contains("describe laser"), late.calls.toString());
                assertEquals(PowerStream.rows(10, 20), late.rowsReceived("power"), "every batch after it joined, none before");
                assertEquals(PowerStream.rows(100, 5), late.rowsReceived("laser"));
                assertEquals(PowerStream.rows(0, 30), early.rowsReceived("power"));

                List<String> lateFiles = fileNames(fixture.stats("late"));
                assertEquals(2, lateFiles.size());
                lateFiles.forEach(name -> assertTrue(name.startsWith(namePrefix(start) + "_v"), name));
                lateFiles.forEach(name -> assertFalse(fileNames(fixture.stats("early")).contains(name), name));
            }
        }
    }

    @Test
    void aWriterUnboundMidRunClosesItsFilesWhileTheOtherWriterGoesOn() throws Exception {
        try (CoreFixture fixture = new CoreFixture(work)) {
            RecordingWriter leaving = fixture.bindWriter("leaving", Map.of());
            RecordingWriter staying = fixture.bindWriter("staying", Map.of());
            try (StreamPublisher power = fixture.core.openStream(PowerStream.descriptor("power"))) {
                fixture.core.start("unbind", Map.of());
                PowerStream.publish(power, fixture.allocator, 0, 40);

                fixture.core.unbindWriter(leaving);

                assertEquals("close segment", leaving.calls.get(leaving.calls.size() - 1));
                assertEquals(PowerStream.rows(0, 40), leaving.rowsReceived("power"), "drained before closing");
                WriterStats left = fixture.stats("leaving");
                assertEquals(WriterState.STOPPED, left.state());
                assertEquals(1, left.completedFiles().size());
                assertEquals(40, left.completedFiles().get(0).rows());
                assertTrue(Files.isRegularFile(Path.of(left.completedFiles().get(0).path())));
                int callsWhenLeft = leaving.calls.size();

                PowerStream.publish(power, fixture.allocator, 40, 60);
                fixture.core.stop("done");

                assertEquals(callsWhenLeft, leaving.calls.size(), "an unbound writer is not called again");
                assertEquals(PowerStream.rows(0, 100), staying.rowsReceived("power"));
                assertEquals("close SUCCESS", staying.calls.get(staying.calls.size() - 1));
                assertEquals(100, fixture.stats("staying").completedFiles().get(0).rows());
                assertEquals(List.of(), fixture.temporaryFiles());
            }
        }
    }

    @Test
    void deactivatingTheCoreDuringARunAbortsItAndClosesEveryFile() throws Exception {
        try (CoreFixture fixture = new CoreFixture(work)) {
            RecordingWriter first = fixture.bindWriter("first", Map.of());
            RecordingWriter second = fixture.bindWriter("second", Map.of());
            try (StreamPublisher power = fixture.core.openStream(PowerStream.descriptor("power"))) {
                fixture.core.start("shutdown", Map.of());
                PowerStream.publish(power, fixture.allocator, 0, 50);

                fixture.deactivate();
            }

            assertTrue(fixture.core.currentRun().isEmpty());
            for (RecordingWriter writer : List.of(first, second)) {
                assertEquals("close ABORT", writer.calls.get(writer.calls.size() - 1));
                assertEquals(RunStop.ExitStatus.ABORT, writer.stops.get(0).exitStatus());
                assertEquals(Map.of("power", 50L), writer.stops.get(0).rowsPerStream());
                assertEquals(PowerStream.rows(0, 50), writer.rowsReceived("power"));
            }
            assertEquals(List.of(), fixture.temporaryFiles());
            try (var files = Files.list(fixture.outputDir)) {
                assertEquals(2, files.count(), "one file per writer, under its final name");
            }
        }
    }
}
