package org.daqlab.core.internal;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.instrument.StreamPublisher;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunContext;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.StorageWriter;
import org.daqlab.api.storage.WriterState;
import org.daqlab.api.storage.WriterStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.daqlab.core.internal.CoreFixture.fileNames;
import static org.daqlab.core.internal.CoreFixture.rowsInFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A writer that fails during a run tries a new segment again while the run goes on; one that hangs is
 * reported as STUCK, and neither the run's stop nor the writer's departure waits for it.
 */
class WriterResumeTest {

    @TempDir
    Path work;

    /** Rotating writers resume with the next segment number; others with a new file version. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aWriterThatFailsMidRunResumesWithANewSegmentOnceWritesSucceedAgain(boolean rotating) throws Exception {
        // rotation by duration, but never within the test: the segment number names the files
        Map<String, Object> settings = rotating ? Map.of("rotation_duration_secs", 3600) : Map.of();
        try (CoreFixture fixture = new CoreFixture(work, Map.of("writer_retry_secs", 1))) {
            RecordingWriter flaky = fixture.bindWriter("flaky", settings);
            RecordingWriter healthy = fixture.bindWriter("healthy", Map.of());
            flaky.failWritesOf("power");
            try (StreamPublisher power = fixture.core.openStream(PowerStream.descriptor("power"))) {
                fixture.core.start("resume", Map.of());
                publishBatches(fixture, power, 0, 5);
                Await.until("the five batches counted as not written",
                        () -> fixture.stats("flaky").recordsNotWritten() == 5);
                WriterStats failed = fixture.stats("flaky");
                assertEquals(WriterState.FAILED, failed.state());
                assertTrue(failed.lastError().contains("writing a batch of stream 'power'"), failed.lastError());

                flaky.failWritesOf(null); // space is back
                Await.until("an attempt to resume", () -> fixture.stats("flaky").retries() >= 1
                        && fixture.stats("flaky").state() == WriterState.WRITING);
                publishBatches(fixture, power, 50, 3);
                fixture.core.stop("done");
            }

            WriterStats resumed = fixture.stats("flaky");
            assertEquals(WriterState.IDLE, resumed.state());
            assertEquals(5, resumed.recordsNotWritten());
            assertEquals(30, resumed.rows());
            assertEquals(PowerStream.rows(50, 30), rowsInFiles(resumed), "the resumed segment holds every later row");
            List<String> names = fileNames(resumed);
            String first = names.get(0);
            String last = names.get(names.size() - 1);
            if (rotating) {
                assertTrue(first.endsWith("_power_0001.txt"), names.toString());
                assertTrue(last.endsWith("_power_" + String.format("%04d", flaky.segments.size()) + ".txt"), names.toString());
            } else {
                // a new version, after the ones both writers (in the same directory) took at the run's start
                assertTrue(version(first) <= 2 && version(last) == 3, names.toString());
            }
            assertTrue(resumed.notices().stream().anyMatch(n -> n.startsWith("resumed in segment ")), resumed.notices().toString());
            assertEquals(List.of(), fixture.temporaryFiles(), "every segment, the failed one too, was closed and renamed");
            assertEquals(PowerStream.rows(0, 80), healthy.rowsReceived("power"));
            assertEquals(0, fixture.stats("healthy").retries());
        }
    }

    @Test
    void aWriterThatKeepsFailingIsRetriedWithAGrowingDelayAndCountsWhatItCouldNotWrite() throws Exception {
        try (CoreFixture fixture = new CoreFixture(work, Map.of("writer_retry_secs", 1, "writer_retry_max_secs", 2))) {
            RecordingWriter failing = fixture.bindWriter("failing", Map.of());
            failing.failWritesOf("power");
            try (StreamPublisher power = fixture.core.openStream(PowerStream.descriptor("power"))) {
                fixture.core.start("keeps_failing", Map.of());
                int published = 0;
                // every attempt opens a segment whose first write fails again
                while (fixture.stats("failing").retries() < 3) {
                    publishBatches(fixture, power, published * 10L, 1);
                    published++;
                    Thread.sleep(50);
                }
                fixture.core.stop("done");
                WriterStats stats = fixture.stats("failing");
                assertTrue(stats.lastError().contains("simulated disk failure"), stats.lastError());
                assertEquals(published, stats.recordsNotWritten(), "every batch of the run");
                assertEquals(0, stats.rows());
                assertTrue(failing.segments.size() >= 4, "the first segment and three attempts: " + failing.calls);
            }
        }
    }

    @Test
    void aHangingWriterIsReportedStuckAndTheRunStopAndItsDepartureDoNotWaitForIt() throws Exception {
        try (CoreFixture fixture = new CoreFixture(work, Map.of("stuck_writer_secs", 1))) {
            HangingWriter hanging = new HangingWriter();
            fixture.bindWriter(hanging, "hanging", Map.of());
            RecordingWriter healthy = fixture.bindWriter("healthy", Map.of());
            try (StreamPublisher power = fixture.core.openStream(PowerStream.descriptor("power"))) {
                fixture.core.start("hang", Map.of());
                publishBatches(fixture, power, 0, 3);
                Await.until("the hanging writer reported stuck", () -> fixture.stats("hanging").state() == WriterState.STUCK
                        && fixture.stats("hanging").lastError() != null);
                String error = fixture.stats("hanging").lastError();
                assertTrue(error.contains("writer 'hanging' is stuck: write of a batch of stream 'power' has not returned"), error);
                assertTrue(error.contains("stuck_writer_secs"), error);

                fixture.core.stop("done");
                assertEquals(1, hanging.release.getCount(), "the stop returned while the writer still hangs");
                assertEquals(WriterState.IDLE, fixture.stats("healthy").state());
                assertEquals(PowerStream.rows(0, 30), rowsInFiles(fixture.stats("healthy")));

                fixture.core.unbindWriter(hanging);
                assertEquals(1, hanging.release.getCount(), "its departure did not wait for it either");
                assertEquals(WriterState.STUCK, fixture.stats("hanging").state());
            }
            hanging.release.countDown();
            Await.until("the released writer closed", () -> hanging.closed);
            assertEquals(PowerStream.rows(0, 30), healthy.rowsReceived("power"));
        }
    }

    /** Publishes {@code batches} batches of 10 rows, from timestamp {@code first}. */
    private static void publishBatches(CoreFixture fixture, StreamPublisher stream, long first, int batches) {
        for (int batch = 0; batch < batches; batch++) {
            PowerStream.publish(stream, fixture.allocator, first + batch * 10L, 10);
        }
    }

    /** A writer whose first write blocks until the test releases it. */
    private static final class HangingWriter implements StorageWriter {
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean closed;

        @Override
        public String format() {
            return "hang";
        }

        @Override
        public RunWriter open(RunContext context) {
            return new RunWriter() {
                @Override
                public void describe(StreamDescriptor descriptor) {
                    // nothing to set up
                }

                @Override
                public void write(String stream, VectorSchemaRoot batch) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }

                @Override
                public void metadata(MetadataUpdate update) {
                    // not recorded
                }

                @Override
                public void flush() {
                    // nothing buffered
                }

                @Override
                public void close(RunStop stop) {
                    closed = true;
                }
            };
        }
    }

    /** The {@code {version}} of a file named by the default template. */
    private static int version(String fileName) {
        Matcher m = Pattern.compile("_v(\\d+)_").matcher(fileName);
        assertTrue(m.find(), fileName);
        return Integer.parseInt(m.group(1));
    }
}
