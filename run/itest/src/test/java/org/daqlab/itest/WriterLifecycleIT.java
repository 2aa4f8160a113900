package org.daqlab.itest;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunControl;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.FileStats;
import org.daqlab.api.storage.OutputFile;
import org.daqlab.api.storage.RunContext;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.StorageStatus;
import org.daqlab.api.storage.StorageWriter;
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
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import javax.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

/**
 * Writers come and go while data flows: a second instance configured during a run joins it; a
 * writer bundle stopped mid-run finalizes its files while another writer goes on; a writer bundle
 * dropped into the deploy folder is picked up without a restart.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class WriterLifecycleIT {

    @Inject
    private BundleContext context;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return Distribution.options(Path.of(System.getProperty("it.work")), "lifecycle").toArray(new Option[0]);
    }

    @Test
    public void a_secondWriterConfiguredDuringARunJoinsIt() throws Exception {
        RunControl runs = Support.service(context, RunControl.class);
        StorageStatus status = Support.service(context, StorageStatus.class);
        ConfigurationAdmin cm = Support.service(context, ConfigurationAdmin.class);
        Support.await("the CSV writer", 30, () -> Support.writer(status, "csv").isPresent());
        Support.stopBootRun(runs);

        runs.start("itest_join", Map.of());
        TimeUnit.SECONDS.sleep(1);
        Path secondDir = Path.of(context.getProperty("daqlab.output.dir")).resolveSibling("second");
        Configuration second = cm.createFactoryConfiguration("org.daqlab.writer.csv", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("name", "csv2");
        props.put("output_dir", secondDir.toString());
        second.update(props);
        Support.await("csv2 writing", 30, () -> Support.writer(status, "csv2").map(w -> w.state() == WriterState.WRITING).orElse(false));
        Support.await("csv2 rows", 30, () -> Support.writer(status, "csv2").map(w -> w.rows() > 0).orElse(false));
        TimeUnit.SECONDS.sleep(2); // a few power-meter samples (10 Hz) for the joined writer too
        runs.stop("test done");

        WriterStats first = Support.writer(status, "csv").orElseThrow();
        WriterStats joined = Support.writer(status, "csv2").orElseThrow();
        Path firstFile = file(first, "power_meter_01");
        Path joinedFile = file(joined, "power_meter_01");
        assertTrue(joinedFile.startsWith(secondDir));
        List<String> all = Files.readAllLines(firstFile);
        List<String> late = Files.readAllLines(joinedFile);
        assertTrue("the joined writer wrote rows", late.size() > 1);
        assertTrue("it joined late", late.size() < all.size());
        assertEquals("header", all.get(0), late.get(0));
        assertEquals("its rows are the newest rows of the first writer, in order",
                all.subList(all.size() - (late.size() - 1), all.size()), late.subList(1, late.size()));
        second.delete();
        Support.await("csv2 gone", 30, () -> Support.writer(status, "csv2").map(w -> w.state() == WriterState.STOPPED).orElse(true));
    }

    @Test
    public void b_writerBundleStoppedMidRunClosesItsFilesWhileAnotherWriterGoesOn() throws Exception {
        RunControl runs = Support.service(context, RunControl.class);
        StorageStatus status = Support.service(context, StorageStatus.class);
        RowCountingWriter counter = new RowCountingWriter();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(StorageWriter.NAME, "probe-counter");
        props.put("auto_flush_interval_secs", 1);
        ServiceRegistration<StorageWriter> registration = context.registerService(StorageWriter.class, counter, props);
        try {
            Support.await("probe-counter joined", 30, () -> Support.writer(status, "probe-counter").isPresent());
            runs.start("itest_stop_bundle", Map.of());
            Support.await("power-meter rows", 30, () -> counter.rows("power_meter_01") > 2);

            Bundle csvBundle = bundle("org.daqlab.writer.csv");
            csvBundle.stop();
            WriterStats csv = Support.writer(status, "csv").orElseThrow();
            assertEquals(WriterState.STOPPED, csv.state());
            assertTrue("csv completed its files when its bundle stopped", !csv.completedFiles().isEmpty());
            for (FileStats f : csv.completedFiles()) {
                assertTrue(f.path() + " exists under its final name", Files.exists(Path.of(f.path())));
                assertFalse(Files.exists(Path.of(f.path() + ".part")));
            }
            long afterStop = counter.rows("power_meter_01");
            Support.await("the other writer goes on", 30, () -> counter.rows("power_meter_01") > afterStop + 2);
            RunStop stop = runs.stop("test done").orElseThrow();
            WriterStats probe = Support.writer(status, "probe-counter").orElseThrow();
            assertEquals(WriterState.IDLE, probe.state());
            assertEquals("the probe writer saw every power-meter row of the run",
                    (long) stop.rowsPerStream().get("power_meter_01"), counter.rows("power_meter_01"));
            csvBundle.start();
        } finally {
            registration.unregister();
        }
    }

    @Test
    public void c_writerBundleDroppedIntoTheDeployFolderIsPickedUp() throws Exception {
        RunControl runs = Support.service(context, RunControl.class);
        StorageStatus status = Support.service(context, StorageStatus.class);
        Bundle csvBundle = bundle("org.daqlab.writer.csv");
        Path jar = Files.createTempFile("writer-csv", ".jar");
        try (InputStream in = new URL(csvBundle.getLocation()).openStream()) {
            Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
        }
        csvBundle.uninstall();
        Support.await("csv writer gone", 30, () -> Support.writer(status, "csv").map(w -> w.state() == WriterState.STOPPED).orElse(true));

        Path deploy = Path.of(context.getProperty("felix.fileinstall.dir"));
        Files.copy(jar, deploy.resolve("org.daqlab.writer.csv.jar"));
        Support.await("the dropped-in writer registers", 60, () -> Support.writer(status, "csv")
                .map(w -> w.state() == WriterState.IDLE || w.state() == WriterState.WRITING).orElse(false));
        runs.start("itest_drop_in", Map.of());
        Support.await("dropped-in writer rows", 30, () -> Support.writer(status, "csv").map(w -> w.rows() > 0).orElse(false));
        TimeUnit.SECONDS.sleep(2); // a few power-meter samples (10 Hz) too
        runs.stop("test done");
        WriterStats csv = Support.writer(status, "csv").orElseThrow();
        assertTrue(Files.readAllLines(file(csv, "power_meter_01")).size() > 1);
    }

    private static Path file(WriterStats writer, String stream) {
        return writer.completedFiles().stream().filter(f -> stream.equals(f.stream()) && f.path().endsWith(".csv"))
                .map(FileStats::path).map(Path::of).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no CSV of " + stream + " in " + writer.completedFiles()));
    }

    private Bundle bundle(String symbolicName) {
        return Stream.of(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("bundle " + symbolicName + " is not installed"));
    }

    /** A writer provided by the test bundle: counts rows per stream and records them in a text file. */
    private static final class RowCountingWriter implements StorageWriter {
        final Map<String, AtomicLong> rowsByStream = new java.util.concurrent.ConcurrentHashMap<>();

        long rows(String stream) {
            AtomicLong n = rowsByStream.get(stream);
            return n == null ? 0 : n.get();
        }

        @Override
        public String format() {
            return "count";
        }

        @Override
        public RunWriter open(RunContext context) throws IOException {
            rowsByStream.clear();
            OutputFile file = context.createFile(null, "txt");
            Writer out = Files.newBufferedWriter(file.path());
            return new RunWriter() {
                private final Map<String, Long> counts = new HashMap<>();

                @Override
                public void describe(StreamDescriptor descriptor) {
                    counts.putIfAbsent(descriptor.stream(), 0L);
                }

                @Override
                public void write(String stream, VectorSchemaRoot batch) {
                    counts.merge(stream, (long) batch.getRowCount(), Long::sum);
                    rowsByStream.computeIfAbsent(stream, s -> new AtomicLong()).addAndGet(batch.getRowCount());
                    file.addRows(batch.getRowCount());
                }

                @Override
                public void metadata(MetadataUpdate update) {
                    // not recorded
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                }

                @Override
                public void close(RunStop stop) throws IOException {
                    out.write(counts.toString());
                    out.close();
                }
            };
        }
    }
}
