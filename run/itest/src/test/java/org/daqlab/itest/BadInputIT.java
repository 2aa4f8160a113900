package org.daqlab.itest;

import org.daqlab.api.ring.RingBuffer;
import org.daqlab.api.ring.RingStats;
import org.daqlab.api.run.RunControl;
import org.daqlab.api.storage.StorageStatus;
import org.daqlab.api.storage.WriterState;
import org.daqlab.api.storage.WriterStats;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import javax.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/** Bad configuration gets one precise message and the rest of the platform keeps working. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class BadInputIT {

    @Inject
    private BundleContext context;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return Distribution.options(Path.of(System.getProperty("it.work")), "badinput").toArray(new Option[0]);
    }

    @Test
    public void a_unwritableOutputDirectoryFailsThatWriterAlone() throws Exception {
        RunControl runs = Support.service(context, RunControl.class);
        StorageStatus status = Support.service(context, StorageStatus.class);
        ConfigurationAdmin cm = Support.service(context, ConfigurationAdmin.class);
        Support.await("the CSV writer", 30, () -> Support.writer(status, "csv").isPresent());
        Support.stopBootRun(runs);

        // A regular file where a directory should be: unwritable even for root.
        Path blocker = Files.createTempFile("not-a-directory", ".txt");
        Path bad = blocker.resolve("data");
        Configuration config = cm.createFactoryConfiguration("org.daqlab.writer.csv", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("name", "csv-bad");
        props.put("output_dir", bad.toString());
        config.update(props);
        Support.await("csv-bad registered", 30, () -> Support.writer(status, "csv-bad").isPresent());

        runs.start("itest_bad_dir", Map.of());
        Support.await("csv-bad failed", 30, () -> Support.writer(status, "csv-bad").map(w -> w.state() == WriterState.FAILED).orElse(false));
        Support.await("csv still writes", 30, () -> Support.writer(status, "csv").map(w -> w.rows() > 0).orElse(false));
        runs.stop("test done");

        WriterStats failed = Support.writer(status, "csv-bad").orElseThrow();
        String error = failed.lastError();
        assertTrue(error, error.contains(bad.toString()));
        assertTrue("names the setting to change: " + error, error.contains("output_dir"));
        WriterStats good = Support.writer(status, "csv").orElseThrow();
        assertEquals(WriterState.IDLE, good.state());
        assertEquals(null, good.lastError());
        assertTrue(good.completedFiles().stream().allMatch(f -> Files.exists(Path.of(f.path()))));
        config.delete();
    }

    @Test
    public void b_invalidRingCapacityIsReportedAndTheRingKeepsWorking() throws Exception {
        ConfigurationAdmin cm = Support.service(context, ConfigurationAdmin.class);
        Configuration ringConfig = cm.getConfiguration("org.daqlab.ringbuffer", "?");
        Dictionary<String, Object> props = ringConfig.getProperties() == null ? new Hashtable<>() : ringConfig.getProperties();
        props.put("capacity_mb", -5);
        ringConfig.update(props);
        Support.await("the ring reports the bad capacity", 30, () -> {
            try {
                RingStats stats = Support.service(context, RingBuffer.class).stats();
                return stats.configurationError() != null && stats.configurationError().contains("capacity_mb");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        RingStats stats = Support.service(context, RingBuffer.class).stats();
        assertTrue(stats.configurationError(), stats.configurationError().contains("-5"));
        assertTrue("falls back to a working capacity", stats.capacityBytes() > 0);

        // Data still flows end to end: a run writes CSV rows.
        StorageStatus status = Support.service(context, StorageStatus.class);
        RunControl runs = Support.service(context, RunControl.class);
        Support.await("the CSV writer back", 30, () -> Support.writer(status, "csv").map(w -> w.state() != WriterState.STOPPED).orElse(false));
        runs.stop("make room");
        runs.start("itest_after_bad_ring", Map.of());
        Support.await("rows after the bad ring configuration", 30,
                () -> Support.writer(status, "csv").map(w -> w.state() == WriterState.WRITING && w.rows() > 0).orElse(false));
        runs.stop("test done");
    }
}
