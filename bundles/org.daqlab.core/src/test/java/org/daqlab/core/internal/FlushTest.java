package org.daqlab.core.internal;

import org.daqlab.api.instrument.StreamPublisher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlushTest {

    @TempDir
    Path work;

    @Test
    void flushReturnsOnceEveryWriterHasFlushedWhatWasPublishedBefore() throws Exception {
        try (CoreFixture fixture = new CoreFixture(work)) {
            // auto flush off, so that every flush counted here is the one asked for
            RecordingWriter first = fixture.bindWriter("first", Map.of("auto_flush_interval_secs", 0));
            RecordingWriter second = fixture.bindWriter("second", Map.of("auto_flush_interval_secs", 0));
            try (StreamPublisher power = fixture.core.openStream(PowerStream.descriptor("power"))) {
                fixture.core.flush();
                assertEquals(0, first.count("flush") + second.count("flush"), "between runs there is nothing to flush");

                fixture.core.start("flush", Map.of());
                PowerStream.publish(power, fixture.allocator, 0, 10);
                fixture.core.flush();

                for (RecordingWriter writer : List.of(first, second)) {
                    assertEquals(1, writer.count("flush"));
                    assertTrue(writer.firstCall("write power 10") < writer.firstCall("flush"), writer.calls.toString());
                }
                fixture.core.stop("done");
            }
        }
    }

    @Test
    void autoFlushFlushesOnItsIntervalDuringARun() throws Exception {
        try (CoreFixture fixture = new CoreFixture(work)) {
            RecordingWriter writer = fixture.bindWriter("auto", Map.of("auto_flush_interval_secs", 1));
            try (StreamPublisher power = fixture.core.openStream(PowerStream.descriptor("power"))) {
                fixture.core.start("auto_flush", Map.of());
                PowerStream.publish(power, fixture.allocator, 0, 10);

                Await.until("the writer flushed twice by itself", () -> writer.count("flush") >= 2);

                assertTrue(fixture.core.currentRun().isPresent());
                fixture.core.stop("done");
            }
        }
    }
}
