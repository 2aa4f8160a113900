package org.daqlab.core.internal;

import org.daqlab.api.instrument.StreamPublisher;
import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingReader;
import org.daqlab.api.storage.WriterState;
import org.daqlab.api.storage.WriterStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.daqlab.core.internal.CoreFixture.rowsInFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A writer that fails is reported and skipped; the other writers go on as if nothing happened. */
class WriterFailureTest {

    @TempDir
    Path work;

    @Test
    void aWriterThatThrowsIsFailedForTheRunAndTriedAgainAtTheNext() throws Exception {
        try (CoreFixture fixture = new CoreFixture(work)) {
            RecordingWriter failing = fixture.bindWriter("failing", Map.of());
            RecordingWriter healthy = fixture.bindWriter("healthy", Map.of());
            failing.failWritesOf("power");
            try (StreamPublisher power = fixture.core.openStream(PowerStream.descriptor("power"))) {
                fixture.core.start("first", Map.of());
                publishBatches(fixture, power, 0, 5);
                fixture.core.stop("done");

                WriterStats failed = fixture.stats("failing");
                assertEquals(WriterState.FAILED, failed.state());
                assertTrue(failed.lastError().contains("writing a batch of stream 'power'"), failed.lastError());
                assertTrue(failed.lastError().contains("simulated disk failure"), failed.lastError());
                assertEquals(5, failed.recordsNotWritten(), "the failed batch and every one after it");
                assertEquals(0, failed.rows());
                assertEquals(PowerStream.rows(0, 50), healthy.rowsReceived("power"));
                assertEquals(WriterState.IDLE, fixture.stats("healthy").state());
                assertNull(fixture.stats("healthy").lastError());
                assertEquals(List.of(), fixture.temporaryFiles(), "the failed writer's file was closed and kept");

                failing.failWritesOf(null);
                fixture.core.start("second", Map.of());
                publishBatches(fixture, power, 50, 3);
                fixture.core.stop("done");
            }

            WriterStats retried = fixture.stats("failing");
            assertEquals(WriterState.IDLE, retried.state());
            assertNull(retried.lastError());
            assertEquals(30, retried.rows());
            assertEquals(PowerStream.rows(50, 30), rowsInFiles(retried));
            assertEquals(PowerStream.rows(0, 80), healthy.rowsReceived("power"));
        }
    }

    /** The output directory is a regular file, or lies below one. */
    @ParameterizedTest
    @ValueSource(strings = {"", "below"})
    void anOutputDirectoryThatCannotBeCreatedFailsOnlyItsWriter(String below) throws Exception {
        Path regularFile = Files.writeString(work.resolve("not-a-directory"), "in the way");
        Path outputDir = below.isEmpty() ? regularFile : regularFile.resolve(below);
        try (CoreFixture fixture = new CoreFixture(work)) {
            RecordingWriter misdirected = fixture.bindWriter("misdirected", Map.of("output_dir", outputDir.toString()));
            RecordingWriter healthy = fixture.bindWriter("healthy", Map.of());
            try (StreamPublisher power = fixture.core.openStream(PowerStream.descriptor("power"))) {
                fixture.core.start("blocked", Map.of());
                publishBatches(fixture, power, 0, 3);
                fixture.core.stop("done");
            }

            WriterStats failed = fixture.stats("misdirected");
            assertEquals(WriterState.FAILED, failed.state());
            assertTrue(failed.lastError().contains("output directory " + outputDir), failed.lastError());
            assertTrue(failed.lastError().contains("set output_dir of writer 'misdirected'"), failed.lastError());
            assertEquals(3, failed.recordsNotWritten());
            assertEquals(List.of(), misdirected.segments, "never opened");
            assertEquals(PowerStream.rows(0, 30), healthy.rowsReceived("power"));
            assertEquals(PowerStream.rows(0, 30), rowsInFiles(fixture.stats("healthy")));
        }
    }

    @Test
    void aBatchRecordThatIsNotArrowIsSkippedCountedAndReportedWhileTheRunGoesOn() throws Exception {
        try (CoreFixture fixture = new CoreFixture(work)) {
            RecordingWriter writer = fixture.bindWriter("writer", Map.of());
            RingReader tap = fixture.ring.openReader("tap");
            try (StreamPublisher power = fixture.core.openStream(PowerStream.descriptor("power"))) {
                int[] described = {-1};
                tap.poll(record -> described[0] = record.streamId(), 1); // the stream's DESCRIPTOR
                tap.close();
                int streamId = described[0];

                fixture.core.start("garbage", Map.of());
                publishBatches(fixture, power, 0, 2);
                // Another party puts bytes that are no Arrow message into the stream.
                fixture.ring.publish(RecordType.BATCH, streamId, 99, 0,
                        ByteBuffer.wrap("not an Arrow message".getBytes(StandardCharsets.UTF_8)));
                publishBatches(fixture, power, 20, 2);
                fixture.core.stop("done");
            }

            WriterStats stats = fixture.stats("writer");
            assertEquals(WriterState.IDLE, stats.state(), "one bad record does not fail the writer");
            assertEquals(1, stats.recordsNotWritten());
            assertTrue(stats.lastError().startsWith("cannot decode BATCH record at ring position "), stats.lastError());
            assertEquals(PowerStream.rows(0, 40), writer.rowsReceived("power"));
            assertEquals(PowerStream.rows(0, 40), rowsInFiles(stats));
        }
    }

    /** Publishes {@code batches} batches of 10 rows, from timestamp {@code first}. */
    private static void publishBatches(CoreFixture fixture, StreamPublisher stream, long first, int batches) {
        for (int batch = 0; batch < batches; batch++) {
            PowerStream.publish(stream, fixture.allocator, first + batch * 10L, 10);
        }
    }
}
