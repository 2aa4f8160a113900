package org.daqlab.itest;

import org.apache.arrow.memory.BufferAllocator;
import org.daqlab.api.run.RunControl;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.storage.FileStats;
import org.daqlab.api.storage.StorageStatus;
import org.daqlab.api.storage.WriterState;
import org.daqlab.api.storage.WriterStats;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

/**
 * Bundle churn under load (issue 8, part 4): while the simulated instruments stream and one run goes
 * on, writer bundles (HDF5, Parquet, Zarr, TIFF) and the driver bundle are stopped and started,
 * updated, uninstalled and installed again, and writer and instrument configurations are created,
 * changed and deleted, on a seeded random schedule ({@code -Ddaqlab.churn.seed}, duration
 * {@code -Ddaqlab.churn.seconds}, 120 s by default). The CSV and Arrow writers stay up the whole
 * time and must hold every row the run's stop document counts, in order (Python csv and apache-arrow
 * read them back). Threads, file descriptors, Arrow memory and component states are counted before
 * and after, once the churn settled; nothing may grow.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BundleChurnIT {

    private static final Logger LOG = LoggerFactory.getLogger(BundleChurnIT.class);
    private static final List<String> CHURNED_WRITERS = List.of("org.daqlab.writer.hdf5", "org.daqlab.writer.parquet",
            "org.daqlab.writer.zarr", "org.daqlab.writer.tiff");
    private static final String DRIVER = "org.daqlab.driver.sim";
    private static final Path ARROW_READER = Path.of("..", "..").toAbsolutePath().normalize()
            .resolve("bundles/org.daqlab.writer.arrow/src/test/node");

    @Inject
    private BundleContext context;
    /** Locations of the churned bundles as first installed, for installing one again. */
    private final Map<String, String> locations = new HashMap<>();

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return Distribution.options(Path.of(System.getProperty("it.work")), "churn").toArray(new Option[0]);
    }

    @Test
    public void writersThatStayUpLoseNothingAndNothingLeaksWhileBundlesChurn() throws Exception {
        RunControl runs = Support.service(context, RunControl.class);
        StorageStatus status = Support.service(context, StorageStatus.class);
        ConfigurationAdmin cm = Support.service(context, ConfigurationAdmin.class);
        long seed = Long.getLong("daqlab.churn.seed", System.nanoTime());
        long seconds = Long.getLong("daqlab.churn.seconds", 120);
        LOG.info("bundle churn: seed {}, {} s (rerun with -Ddaqlab.churn.seed={} -Ddaqlab.churn.seconds={})", seed, seconds, seed, seconds);
        Random random = new Random(seed);
        for (String writer : List.of("csv", "arrow", "hdf5", "parquet", "zarr", "tiff")) {
            Support.await("writer " + writer, 60, () -> Support.writer(status, writer).isPresent());
        }
        Support.stopBootRun(runs);
        // 1 kHz instead of 10 kHz for the ADC, so that the Arrow file's JSON dump stays small enough to compare
        Configuration adc = factoryConfiguration(cm, "org.daqlab.driver.sim.adc", "adc0");
        Dictionary<String, Object> adcProps = adc.getProperties();
        adcProps.put("sample_rate_hz", 1000.0);
        adcProps.put("batch_rows", 100);
        adc.update(adcProps);
        Map<String, byte[]> jars = new HashMap<>();
        for (String name : concat(CHURNED_WRITERS, List.of(DRIVER))) {
            locations.put(name, bundle(name).getLocation());
            try (InputStream in = new URL(bundle(name).getLocation()).openStream()) {
                jars.put(name, in.readAllBytes());
            }
        }
        TimeUnit.SECONDS.sleep(5); // settle: the ADC restarted with its new rate
        Resources before = Resources.count(context);
        LOG.info("before churn: {}", before);

        runs.start("itest_churn", Map.of("seed", seed));
        Map<String, Configuration> churnConfigs = new HashMap<>();
        Map<String, Integer> actions = new TreeMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String action = churnOnce(random, cm, jars, churnConfigs);
            actions.merge(action.split(" ")[0], 1, Integer::sum);
            LOG.info("churn: {}", action);
            TimeUnit.MILLISECONDS.sleep(200 + random.nextInt(1300));
        }
        for (String name : concat(CHURNED_WRITERS, List.of(DRIVER))) {
            Bundle b = bundleOrNull(name);
            if (b == null) {
                b = context.installBundle(location(name), new ByteArrayInputStream(jars.get(name)));
            }
            b.start();
        }
        for (Configuration config : churnConfigs.values()) {
            config.delete();
        }
        for (String name : List.of("power_meter_01", "adc0", "camera0")) {
            Support.await("instrument " + name + " back", 60, () -> instrumentRunning(name));
        }
        TimeUnit.SECONDS.sleep(2);
        RunStop stop = runs.stop("churn done").orElseThrow();
        LOG.info("churn actions: {}; rows per stream: {}", actions, stop.rowsPerStream());

        for (String writer : List.of("csv", "arrow")) {
            WriterStats stats = Support.writer(status, writer).orElseThrow();
            assertNull(writer + ": " + stats.lastError(), stats.lastError());
            assertEquals(writer, WriterState.IDLE, stats.state());
            assertEquals(writer + " lost records", 0, stats.recordsLost());
            assertEquals(writer + " records not written", 0, stats.recordsNotWritten());
        }
        assertStayingWritersHoldEveryRow(status, stop);

        // Leaks: after a settle, with the same bundles active and no run, nothing grew.
        refreshRemovalPending();
        TimeUnit.SECONDS.sleep(10);
        Resources after = Resources.count(context);
        LOG.info("after churn: {}", after);
        after.assertNoGrowthSince(before, Path.of(context.getProperty("daqlab.output.dir")));
    }

    /** One random churn action; returns what it did. */
    private String churnOnce(Random random, ConfigurationAdmin cm, Map<String, byte[]> jars,
            Map<String, Configuration> churnConfigs) throws Exception {
        int pick = random.nextInt(10);
        String target = pick < 7 && pick % 2 == 0 ? DRIVER : CHURNED_WRITERS.get(random.nextInt(CHURNED_WRITERS.size()));
        Bundle bundle = bundleOrNull(target);
        if (bundle == null) { // uninstalled by an earlier action that then failed to reinstall: install it
            context.installBundle(location(target), new ByteArrayInputStream(jars.get(target))).start();
            return "reinstall " + target;
        }
        switch (pick) {
            case 0, 1 -> {
                bundle.stop();
                TimeUnit.MILLISECONDS.sleep(random.nextInt(1000));
                bundle.start();
                return "stop-start " + target;
            }
            case 2, 3 -> {
                bundle.update(new ByteArrayInputStream(jars.get(target)));
                return "update " + target;
            }
            case 4, 5 -> {
                String location = bundle.getLocation();
                bundle.uninstall();
                TimeUnit.MILLISECONDS.sleep(random.nextInt(1000));
                context.installBundle(location, new ByteArrayInputStream(jars.get(target))).start();
                return "uninstall-reinstall " + target;
            }
            case 6, 7 -> {
                return configChurn(random, cm, churnConfigs, "csv_churn", "org.daqlab.writer.csv",
                        Map.of("name", "csv_churn", "output_dir", Path.of(context.getProperty("daqlab.output.dir"))
                                .resolveSibling("csv_churn").toString(), "auto_flush_interval_secs", 1 + random.nextInt(5)));
            }
            default -> {
                return configChurn(random, cm, churnConfigs, "pm_churn", "org.daqlab.driver.sim.powermeter",
                        Map.of("instrument_id", "pm_churn", "rate_hz", 5.0 + random.nextInt(50)));
            }
        }
    }

    /** Creates the factory configuration {@code key} if it is missing, else updates it or deletes it. */
    private static String configChurn(Random random, ConfigurationAdmin cm, Map<String, Configuration> configs, String key,
            String factoryPid, Map<String, Object> props) throws IOException {
        Configuration existing = configs.get(key);
        if (existing != null && random.nextBoolean()) {
            existing.delete();
            configs.remove(key);
            return "config-delete " + key;
        }
        Configuration config = existing != null ? existing : cm.createFactoryConfiguration(factoryPid, "?");
        config.update(new Hashtable<>(props));
        configs.put(key, config);
        return (existing == null ? "config-create " : "config-update ") + key + " " + props;
    }

    /**
     * The CSV and Arrow writers, up the whole run, hold for every stream exactly the rows the stop
     * document counts; the CSV rows are in time order (a restarted instrument starts later), the
     * camera's frame numbers count up by one from every restart at 0, and the Arrow file has the
     * CSV's values row for row.
     */
    @SuppressWarnings("unchecked")
    private void assertStayingWritersHoldEveryRow(StorageStatus status, RunStop stop) throws Exception {
        WriterStats csv = Support.writer(status, "csv").orElseThrow();
        WriterStats arrow = Support.writer(status, "arrow").orElseThrow();
        for (Map.Entry<String, Long> stream : stop.rowsPerStream().entrySet()) {
            List<List<String>> rows = new ArrayList<>();
            for (FileStats f : csv.completedFiles()) {
                if (stream.getKey().equals(f.stream()) && f.path().endsWith(".csv")) {
                    List<List<String>> file = Support.readCsv(Path.of(f.path()));
                    if (rows.isEmpty()) {
                        rows.add(file.get(0));
                    }
                    rows.addAll(file.subList(1, file.size()));
                }
            }
            assertEquals("CSV rows of " + stream.getKey(), (long) stream.getValue(), rows.size() - 1);
            List<String> header = rows.get(0);
            int time = header.indexOf("timestamp_ns");
            int frame = header.indexOf("frame_number");
            for (int r = 2; r < rows.size(); r++) {
                assertTrue(stream.getKey() + " row " + r + " in time order",
                        Long.parseLong(rows.get(r).get(time)) > Long.parseLong(rows.get(r - 1).get(time)));
                if (frame >= 0) {
                    long n = Long.parseLong(rows.get(r).get(frame));
                    assertTrue(stream.getKey() + " frame " + n + " after " + rows.get(r - 1).get(frame),
                            n == 0 || n == Long.parseLong(rows.get(r - 1).get(frame)) + 1);
                }
            }
            List<Path> arrowFiles = arrow.completedFiles().stream()
                    .filter(f -> stream.getKey().equals(f.stream()) && f.path().endsWith(".arrows")).map(f -> Path.of(f.path())).toList();
            assertEquals(stream.getKey() + " Arrow files " + arrowFiles, 1, arrowFiles.size());
            Path json = arrowFiles.get(0).resolveSibling(stream.getKey() + "-arrow.json");
            Support.node(ARROW_READER, "read-arrow.mjs", json.toString(), arrowFiles.get(0).toString());
            Map<String, Object> file = ((List<Map<String, Object>>) Support.readJson(json).get("files")).get(0);
            assertNull(arrowFiles.get(0) + " read by apache-arrow", file.get("error"));
            Map<String, List<Object>> columns = new HashMap<>();
            for (Map<String, Object> batch : (List<Map<String, Object>>) file.get("batches")) {
                ((Map<String, List<Object>>) batch.get("columns")).forEach((k, v) -> columns.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
            }
            for (int c = 0; c < header.size(); c++) {
                List<Object> values = columns.get(header.get(c));
                assertEquals(stream.getKey() + "." + header.get(c) + " rows in Arrow", rows.size() - 1, values.size());
                for (int r = 1; r < rows.size(); r++) {
                    String expected = rows.get(r).get(c);
                    String actual = String.valueOf(values.get(r - 1));
                    boolean same = expected.equals(actual) || Double.parseDouble(expected) == Double.parseDouble(actual);
                    assertTrue(stream.getKey() + "." + header.get(c) + " row " + r + ": CSV " + expected + ", Arrow " + actual, same);
                }
            }
            Files.delete(json);
            LOG.info("stream {}: {} rows in CSV and Arrow, in order", stream.getKey(), stream.getValue());
        }
    }

    private void refreshRemovalPending() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(null, event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                done.countDown();
            }
        });
        assertTrue("bundles refreshed", done.await(60, TimeUnit.SECONDS));
    }

    private boolean instrumentRunning(String id) {
        try {
            ServiceReference<?>[] refs = context.getServiceReferences("org.daqlab.api.instrument.Instrument",
                    "(daqlab.instrument.id=" + id + ")");
            if (refs == null) {
                return false;
            }
            org.daqlab.api.instrument.Instrument instrument = (org.daqlab.api.instrument.Instrument) context.getService(refs[0]);
            try {
                return instrument != null && "RUNNING".equals(instrument.status().state());
            } finally {
                context.ungetService(refs[0]);
            }
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Configuration factoryConfiguration(ConfigurationAdmin cm, String factoryPid, String instrumentId) throws Exception {
        Configuration[] configs = cm.listConfigurations("(&(service.factoryPid=" + factoryPid + ")(instrument_id=" + instrumentId + "))");
        assertTrue("configuration of " + instrumentId, configs != null && configs.length == 1);
        return configs[0];
    }

    private String location(String symbolicName) {
        return locations.get(symbolicName);
    }

    private Bundle bundle(String symbolicName) {
        Bundle b = bundleOrNull(symbolicName);
        if (b == null) {
            throw new AssertionError("bundle " + symbolicName + " is not installed");
        }
        return b;
    }

    private Bundle bundleOrNull(String symbolicName) {
        return Stream.of(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst().orElse(null);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** What the platform holds: threads, open files, Arrow memory, component states. */
    private record Resources(List<String> threads, List<String> files, long arrowBytes, List<String> allocators,
            Map<String, Integer> componentStates, List<String> unsatisfied) {

        static Resources count(BundleContext context) throws Exception {
            List<String> threads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(n -> n.startsWith("daqlab-")).sorted().toList();
            List<String> files = new ArrayList<>();
            try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                for (Path fd : fds.toList()) {
                    try {
                        files.add(Files.readSymbolicLink(fd).toString());
                    } catch (IOException gone) {
                        // closed while listing
                    }
                }
            }
            files.sort(null);
            ServiceReference<?>[] refs = context.getServiceReferences(BufferAllocator.class.getName(), "(allocator.name=root)");
            BufferAllocator root = (BufferAllocator) context.getService(refs[0]);
            List<String> allocators = root.getChildAllocators().stream().map(BufferAllocator::getName).sorted().toList();
            long arrowBytes = root.getAllocatedMemory();
            context.ungetService(refs[0]);
            ServiceReference<ServiceComponentRuntime> scrRef = context.getServiceReference(ServiceComponentRuntime.class);
            ServiceComponentRuntime scr = context.getService(scrRef);
            Map<String, Integer> states = new TreeMap<>();
            List<String> unsatisfied = new ArrayList<>();
            for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(description)) {
                    String state = switch (c.state) {
                        case ComponentConfigurationDTO.ACTIVE -> "ACTIVE";
                        case ComponentConfigurationDTO.SATISFIED -> "SATISFIED";
                        case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "UNSATISFIED_REFERENCE";
                        case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "UNSATISFIED_CONFIGURATION";
                        case ComponentConfigurationDTO.FAILED_ACTIVATION -> "FAILED_ACTIVATION";
                        default -> "STATE_" + c.state;
                    };
                    states.merge(state, 1, Integer::sum);
                    if (c.state != ComponentConfigurationDTO.ACTIVE && c.state != ComponentConfigurationDTO.SATISFIED) {
                        unsatisfied.add(description.name + " " + state + (c.failure == null ? "" : ": " + c.failure));
                    }
                }
            }
            context.ungetService(scrRef);
            return new Resources(threads, files, arrowBytes, allocators, states, unsatisfied);
        }

        /**
         * The same daqlab threads (by name), Arrow child allocators and component states as before; no
         * file of the output directory open (no run is active: every writer closed its files) and at most a
         * few more descriptors in all (the JVM's own come and go: jar files, sockets of the console); Arrow
         * memory within 1 MiB (the instruments' batch buffers are reallocated at the same sizes).
         */
        void assertNoGrowthSince(Resources before, Path outputDir) {
            assertEquals("daqlab threads", before.threads, threads);
            assertEquals("Arrow child allocators", before.allocators, allocators);
            assertEquals("component states", before.componentStates, componentStates);
            assertEquals("components not active", before.unsatisfied, unsatisfied);
            List<String> open = files.stream().filter(f -> f.startsWith(outputDir.getParent().toString()) && !f.endsWith("ring.dat")).toList();
            assertEquals("files of the output directories still open", List.of(), open);
            assertTrue("open files grew from " + before.files.size() + " to " + files.size() + ": new " + newEntries(before.files, files),
                    files.size() <= before.files.size() + 8);
            assertTrue("Arrow memory grew from " + before.arrowBytes + " to " + arrowBytes,
                    arrowBytes <= before.arrowBytes + (1 << 20));
        }

        private static List<String> newEntries(List<String> before, List<String> after) {
            List<String> out = new ArrayList<>(after);
            before.forEach(out::remove);
            return out;
        }

        @Override
        public String toString() {
            return threads.size() + " daqlab threads " + threads + ", " + files.size() + " open files, Arrow " + arrowBytes
                    + " bytes in " + allocators + ", components " + componentStates + ", not active " + unsatisfied;
        }
    }
}
