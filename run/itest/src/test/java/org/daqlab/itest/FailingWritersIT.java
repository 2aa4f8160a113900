package org.daqlab.itest;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunControl;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunContext;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.StorageStatus;
import org.daqlab.api.storage.StorageWriter;
import org.daqlab.api.storage.WriterState;
import org.daqlab.api.storage.WriterStats;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import javax.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * Writers that throw on every batch, hang in their first write, or are slow, next to the distribution's
 * real writers, on a ring in BLOCK mode: the real writers and a counting writer get every row; the hung
 * writer is reported STUCK and costs producers one block timeout, not one per record; the run's stop does
 * not wait for it; the throwing writer is FAILED and retried; all of it in the statistics and the console's
 * status JSON over HTTP.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FailingWritersIT {

    private static final long BLOCK_TIMEOUT_MS = 2000;
    private static final int RUN_SECONDS = 20;
    /** The power meter publishes at 10 Hz. */
    private static final double POWER_HZ = 10;

    @Inject
    private BundleContext context;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return Distribution.options(Path.of(System.getProperty("it.work")), "failing").toArray(new Option[0]);
    }

    @Test
    public void failingHungAndSlowWritersDoNotHarmTheOthersOrStallProducersInBlockMode() throws Exception {
        ConfigurationAdmin cm = Support.service(context, ConfigurationAdmin.class);
        // A 16 MiB ring that the hung writer's cursor holds back within seconds; a writer is stuck after 3 s.
        update(cm, "org.daqlab.ringbuffer", Map.of("overflow_mode", "BLOCK", "block_timeout_ms", BLOCK_TIMEOUT_MS,
                "capacity_mb", 16));
        update(cm, "org.daqlab.core", Map.of("stuck_writer_secs", 3, "writer_retry_secs", 1, "writer_retry_max_secs", 4));
        TimeUnit.SECONDS.sleep(2); // ring and core restart with their configurations
        RunControl runs = Support.service(context, RunControl.class);
        StorageStatus status = Support.service(context, StorageStatus.class);
        Support.stopBootRun(runs);

        ThrowingWriter throwing = new ThrowingWriter();
        HangingWriter hanging = new HangingWriter();
        CountingWriter slow = new CountingWriter(15);
        CountingWriter counter = new CountingWriter(0);
        List<ServiceRegistration<StorageWriter>> registrations = new ArrayList<>();
        registrations.add(register("throwing", throwing));
        registrations.add(register("hanging", hanging));
        registrations.add(register("slow", slow));
        registrations.add(register("counter", counter));
        try {
            for (String name : List.of("throwing", "hanging", "slow", "counter", "csv", "hdf5")) {
                Support.await(name + " joined", 60, () -> Support.writer(status, name).isPresent());
            }
            ConsoleHttp http = Support.console(context);
            runs.start("failing_writers", Map.of());
            Support.await("the hanging writer reported stuck", 60,
                    () -> Support.writer(status, "hanging").map(w -> w.state() == WriterState.STUCK).orElse(false));
            long startedNanos = System.nanoTime();
            long powerAtStuck = counter.rows("power_meter_01");
            TimeUnit.SECONDS.sleep(RUN_SECONDS);
            long powerInWindow = counter.rows("power_meter_01") - powerAtStuck;
            double seconds = (System.nanoTime() - startedNanos) / 1e9;
            // between two attempts to resume, the throwing writer is FAILED
            JsonNode[] seen = new JsonNode[1];
            Support.await("the console showing the throwing writer FAILED", 30, () -> {
                seen[0] = Support.consoleStatus(http);
                return Support.writerJson(seen[0], "throwing").path("state").asText().equals("FAILED");
            });
            JsonNode during = seen[0];

            RunStop stop = runs.stop("failing writers test done").orElseThrow();
            assertEquals("the stop returned while the writer still hangs", 1, hanging.release.getCount());

            // the hung writer holds its records back, yet producers went on at their rate
            assertTrue("power-meter rows while a writer hung: " + powerInWindow + " in " + seconds + " s",
                    powerInWindow >= POWER_HZ * seconds / 2);
            JsonNode ring = during.path("ring");
            assertEquals("BLOCK", ring.path("overflow_mode").asText());
            long timeouts = ring.path("block_timeouts").asLong();
            assertTrue("a hung reader costs one block timeout, not one per record: " + ring,
                    timeouts >= 1 && timeouts <= 3);

            JsonNode hung = Support.writerJson(during, "hanging");
            assertEquals(hung.toString(), "STUCK", hung.path("state").asText());
            assertTrue(hung.toString(), hung.path("last_error").asText()
                    .contains("writer 'hanging' is stuck: write of a batch of stream '"));
            JsonNode thrown = Support.writerJson(during, "throwing");
            assertEquals(thrown.toString(), "FAILED", thrown.path("state").asText());
            assertTrue(thrown.toString(), thrown.path("last_error").asText().contains("refuses every batch"));
            assertTrue(thrown.toString(), thrown.path("records_not_written").asLong() > 0);
            assertTrue("retried while the run went on: " + thrown, thrown.path("retries").asLong() >= 2);

            // every other writer got every row of the run
            for (String stream : List.of("power_meter_01", "adc0", "camera0")) {
                long published = stop.rowsPerStream().get(stream);
                assertEquals(stream + " rows of the counting writer", published, counter.rows(stream));
                assertEquals(stream + " rows of the slow writer", published, slow.rows(stream));
            }
            for (WriterStats w : status.writers()) {
                if (!List.of("throwing", "hanging").contains(w.name())) {
                    assertEquals(w.toString(), WriterState.IDLE, w.state());
                    assertEquals(w.name(), 0, w.recordsLost());
                    assertEquals(w.name(), 0, w.recordsNotWritten());
                    assertEquals(w.name(), null, w.lastError());
                }
            }
            assertEquals(WriterState.STUCK, Support.writer(status, "hanging").orElseThrow().state());
        } finally {
            hanging.release.countDown();
            registrations.forEach(ServiceRegistration::unregister);
        }
    }

    private ServiceRegistration<StorageWriter> register(String name, StorageWriter writer) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(StorageWriter.NAME, name);
        return context.registerService(StorageWriter.class, writer, props);
    }

    private static void update(ConfigurationAdmin cm, String pid, Map<String, Object> values) throws IOException {
        Configuration c = cm.getConfiguration(pid, "?");
        Dictionary<String, Object> props = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
        values.forEach(props::put);
        c.update(props);
    }

    /** Accepts the run and every stream, and throws on every batch. */
    private static final class ThrowingWriter implements StorageWriter {
        @Override
        public String format() {
            return "throws";
        }

        @Override
        public RunWriter open(RunContext context) {
            return new NothingWriter() {
                @Override
                public void write(String stream, VectorSchemaRoot batch) throws IOException {
                    throw new IOException("the throwing test writer refuses every batch (stream '" + stream + "')");
                }
            };
        }
    }

    /** Blocks in its first write until the test releases it. */
    private static final class HangingWriter implements StorageWriter {
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public String format() {
            return "hangs";
        }

        @Override
        public RunWriter open(RunContext context) {
            return new NothingWriter() {
                @Override
                public void write(String stream, VectorSchemaRoot batch) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
        }
    }

    /** Counts rows per stream, waiting {@code millisPerBatch} on each batch (as on a slow disk). */
    private static final class CountingWriter implements StorageWriter {
        private final Map<String, AtomicLong> rows = new ConcurrentHashMap<>();
        private final long millisPerBatch;

        CountingWriter(long millisPerBatch) {
            this.millisPerBatch = millisPerBatch;
        }

        long rows(String stream) {
            AtomicLong n = rows.get(stream);
            return n == null ? 0 : n.get();
        }

        @Override
        public String format() {
            return "count";
        }

        @Override
        public RunWriter open(RunContext context) {
            if (context.segment() == 1) {
                rows.clear();
            }
            return new NothingWriter() {
                @Override
                public void write(String stream, VectorSchemaRoot batch) throws IOException {
                    if (millisPerBatch > 0) {
                        try {
                            TimeUnit.MILLISECONDS.sleep(millisPerBatch);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException("interrupted", e);
                        }
                    }
                    rows.computeIfAbsent(stream, s -> new AtomicLong()).addAndGet(batch.getRowCount());
                }
            };
        }
    }

    /** A writer that writes no file. */
    private abstract static class NothingWriter implements RunWriter {
        @Override
        public void describe(StreamDescriptor descriptor) {
            // no file to set up
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
            // no file to close
        }
    }
}
