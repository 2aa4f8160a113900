package org.daqlab.itest;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.instrument.DataPublisher;
import org.daqlab.api.instrument.Instrument;
import org.daqlab.api.instrument.InstrumentStatus;
import org.daqlab.api.instrument.StreamPublisher;
import org.daqlab.api.ring.RingBuffer;
import org.daqlab.api.ring.RingReader;
import org.daqlab.api.run.RunControl;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.FileStats;
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
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/**
 * Hostile input against the real distribution (issue 8, part 5): names that try to leave the output
 * directory or are not text, values and batches at the edges, garbage written into the ring file by
 * another process, and bad configurations. Each gets a clear error, no file lands outside the output
 * directory, and the simulated instruments' streams lose nothing in the writers that kept running.
 * Every input tried is logged as a line {@code HOSTILE | input | outcome} for the results table.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class HostileInputIT {

    private static final Logger LOG = LoggerFactory.getLogger(HostileInputIT.class);
    private static final String TEN_KB = "x".repeat(10_240);
    /** Writers the distribution runs; the TIFF writer writes only frames. */
    private static final Set<String> WRITERS = Set.of("csv", "arrow", "hdf5", "parquet", "zarr", "tiff");
    private static final Path ARROW_READER = Path.of("..", "..").toAbsolutePath().normalize()
            .resolve("bundles/org.daqlab.writer.arrow/src/test/node");

    @Inject
    private BundleContext context;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return Distribution.options(Path.of(System.getProperty("it.work")), "hostile").toArray(new Option[0]);
    }

    @Test
    public void a_namesThatAreNoSafeFileNamesAreRefusedForStreamsAndInstruments() throws Exception {
        RunControl runs = Support.service(context, RunControl.class);
        DataPublisher publisher = Support.service(context, DataPublisher.class);
        StorageStatus status = Support.service(context, StorageStatus.class);
        Support.await("the CSV writer", 30, () -> Support.writer(status, "csv").isPresent());
        Support.stopBootRun(runs);
        Set<String> around = siblingsOfTheOutputDirectory();

        for (String name : List.of("../escape", "a/b", "a\\b", "nul\0byte", TEN_KB, "lone\uD800", "", ".hidden",
                "-dash", "caf\u00e9")) {
            for (String role : List.of("stream", "instrument id")) {
                try {
                    StreamDescriptor descriptor = role.equals("stream") ? descriptor(name, "hostile_instrument")
                            : descriptor("hostile_stream", name);
                    publisher.openStream(descriptor).close();
                    fail(role + " " + printable(name) + " was accepted");
                } catch (IllegalArgumentException e) {
                    assertTrue(e.getMessage(), e.getMessage().contains("is not allowed: use 1 to 128 letters"));
                    table(role + " name " + printable(name), "refused: " + e.getMessage().substring(0, Math.min(90, e.getMessage().length())) + "…");
                }
            }
            try {
                runs.setInstrumentMetadata(name, "k", 1L);
                fail("metadata for instrument " + printable(name) + " was accepted");
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("is not allowed"));
            }
        }
        assertEquals("nothing appeared beside the output directory", around, siblingsOfTheOutputDirectory());
    }

    @Test
    public void b_hostileRunNamesGiveFilesInsideTheOutputDirectoryInEveryWriter() throws Exception {
        RunControl runs = Support.service(context, RunControl.class);
        StorageStatus status = Support.service(context, StorageStatus.class);
        Path output = outputDirectory();
        Set<String> around = siblingsOfTheOutputDirectory();

        for (String name : List.of("../../escape", "/etc/passwd", "a/b\\c", TEN_KB, "Messung \u00e9 \uD83D\uDE00 \u6e2c\u5b9a")) {
            runs.start(name, Map.of("note", name));
            TimeUnit.MILLISECONDS.sleep(1500); // a few frames for the TIFF writer (10 fps)
            RunStop stop = runs.stop("hostile name done").orElseThrow();
            List<String> names = new ArrayList<>();
            for (String writer : WRITERS) {
                WriterStats stats = Support.writer(status, writer).orElseThrow();
                assertNull(writer + " after run " + printable(name) + ": " + stats.lastError(), stats.lastError());
                assertEquals(writer, WriterState.IDLE, stats.state());
                assertFalse(writer + " wrote files", stats.completedFiles().isEmpty());
                for (FileStats file : stats.completedFiles()) {
                    Path path = Path.of(file.path());
                    assertTrue(path + " is inside " + output, path.normalize().startsWith(output) && path.normalize().equals(path));
                    assertTrue(path + " exists", Files.exists(path));
                    assertTrue(path + " name fits the file system", path.getFileName().toString().getBytes(StandardCharsets.UTF_8).length <= 255);
                    names.add(path.getFileName().toString());
                }
            }
            assertCsvHoldsEveryRow(status, stop);
            table("run name " + printable(name), "accepted; files e.g. " + printable(names.get(0)) + ", all inside the output directory, every writer IDLE");
        }
        for (String name : List.of("nul\0byte", "lone\uD800surrogate")) {
            try {
                runs.start(name, Map.of());
                fail("run name " + printable(name) + " was accepted");
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("run name '"));
                table("run name " + printable(name), "refused: " + e.getMessage());
            }
            assertTrue(runs.currentRun().isEmpty());
        }
        assertEquals("nothing appeared beside the output directory", around, siblingsOfTheOutputDirectory());
    }

    @Test
    public void c_edgeValuesAreWrittenExactlyAndBadBatchesAreRefusedWhileTheStreamGoesOn() throws Exception {
        RunControl runs = Support.service(context, RunControl.class);
        DataPublisher publisher = Support.service(context, DataPublisher.class);
        StorageStatus status = Support.service(context, StorageStatus.class);
        RingBuffer ring = Support.service(context, RingBuffer.class);
        BufferAllocator allocator = rootAllocator().newChildAllocator("itest-hostile", 0, Long.MAX_VALUE);
        double[] values = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, Double.MIN_VALUE,
                Double.MAX_VALUE, 1e23, 0.1, -Double.MIN_NORMAL};
        try (StreamPublisher stream = publisher.openStream(descriptor("hostile_values", "hostile_instrument"))) {
            runs.start("itest_values", Map.of());
            try (VectorSchemaRoot good = batch(stream.descriptor(), allocator, values)) {
                stream.publish(good);
            }
            try (VectorSchemaRoot empty = batch(stream.descriptor(), allocator, new double[0])) {
                refused(stream, empty, "has no rows", "empty batch");
            }
            int tooMany = (int) (ring.maxPayloadBytes() / 16 + 1024); // two 8-byte columns: just larger than the ring takes
            try (VectorSchemaRoot huge = batch(stream.descriptor(), allocator, new double[tooMany])) {
                refused(stream, huge, "capacity_mb of org.daqlab.ringbuffer", "batch of " + tooMany + " rows (larger than the ring)");
            }
            try (VectorSchemaRoot other = batch(descriptor("hostile_values", "other_units", "mV"), allocator, values)) {
                refused(stream, other, "open a new stream for a new schema", "schema change mid-stream (unit V to mV)");
            }
            try (VectorSchemaRoot good = batch(stream.descriptor(), allocator, values)) {
                stream.publish(good); // the stream goes on after every refusal
            }
            assertEquals(2, stream.batchesPublished());
        }
        RunStop stop = runs.stop("values done").orElseThrow();
        allocator.close();
        assertEquals(Long.valueOf(2L * values.length), stop.rowsPerStream().get("hostile_values"));
        assertCsvHoldsEveryRow(status, stop);

        List<List<String>> csv = Support.readCsv(file(status, "csv", "hostile_values", ".csv"));
        Path arrowFile = file(status, "arrow", "hostile_values", ".arrows");
        Path json = arrowFile.resolveSibling("hostile_values-arrow.json");
        Support.node(ARROW_READER, "read-arrow.mjs", json.toString(), arrowFile.toString());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> batches = (List<Map<String, Object>>) ((List<Map<String, Object>>) Support.readJson(json)
                .get("files")).get(0).get("batches");
        List<Object> arrow = new ArrayList<>();
        for (Map<String, Object> b : batches) {
            arrow.addAll((List<?>) ((Map<?, ?>) b.get("columns")).get("value"));
        }
        int column = csv.get(0).indexOf("value");
        assertEquals(2 * values.length, csv.size() - 1);
        assertEquals(2 * values.length, arrow.size());
        for (int row = 0; row < 2 * values.length; row++) {
            double expected = values[row % values.length];
            // Python's csv module and float() give the text; Double.doubleToLongBits compares NaN and -0.0 exactly
            assertEquals("CSV row " + row, Double.doubleToLongBits(expected), Double.doubleToLongBits(Double.parseDouble(csv.get(row + 1).get(column))));
            if (expected != 0) { // the reader prints with JavaScript's String(), which drops the sign of -0
                assertEquals("Arrow row " + row, Double.doubleToLongBits(expected), Double.doubleToLongBits(Double.parseDouble((String) arrow.get(row))));
            }
        }
        table("values NaN, +Inf, -Inf, -0.0, MIN_VALUE, MAX_VALUE, 1e23, 0.1", "written; read back bit for bit by Python csv and apache-arrow (the JS reader prints -0 as 0)");
    }

    /**
     * A registered reader that does not poll (like a stuck client) has records piling up between its
     * position and the write position; another process overwrites one record's header there in four
     * ways a reader must not trust. Each time the reader, drained, reports exactly one corrupt record,
     * hands out every record before it and counts as lost exactly the records from it to where it
     * resumed. Then the other process scribbles over the file header's positions and counters during a
     * whole run: the publisher and the writers (readers of the same process) follow their own copies,
     * and the CSV writer holds every row of that run.
     */
    @Test
    public void d_garbageWrittenIntoTheRingByAnotherProcessIsSkippedAndCounted() throws Exception {
        RunControl runs = Support.service(context, RunControl.class);
        StorageStatus status = Support.service(context, StorageStatus.class);
        RingBuffer ring = Support.service(context, RingBuffer.class);
        Path ringFile = Path.of(context.getProperty("daqlab.ring.path"));

        runs.start("itest_garbage", Map.of());
        Support.await("rows before the garbage", 30, () -> Support.writer(status, "csv").map(w -> w.rows() > 0).orElse(false));
        try (RingReader probe = ring.openReader("hostile-probe")) {
            List<Long> indices = new ArrayList<>();
            drain(probe, indices);
            for (String damage : List.of("type", "short", "huge", "index")) {
                long from = probe.position();
                long corruptBefore = probe.corruptRecords();
                long lostBefore = probe.lostRecords();
                int delivered = indices.size();
                long published = ring.stats().recordsPublished();
                Support.await("records behind the probe", 30, () -> ring.stats().recordsPublished() > published + 20);
                Launcher.Result garbage = Launcher.exec(ringFile.getParent(), 60, List.of("/usr/bin/python3", "-c",
                        RECORD_DAMAGER, ringFile.toString(), Long.toString(from), damage));
                assertEquals(garbage.output(), 0, garbage.exitCode());
                String[] hit = garbage.output().trim().split(" "); // position index
                long damagedIndex = Long.parseLong(hit[1]);
                Support.await("the probe past the damaged record", 30, () -> {
                    drain(probe, indices);
                    return indices.get(indices.size() - 1) > damagedIndex;
                });
                List<Long> round = indices.subList(delivered, indices.size());
                int resumedAt = 0;
                while (round.get(resumedAt) < damagedIndex) {
                    resumedAt++;
                }
                for (int i = 1; i < resumedAt; i++) {
                    assertEquals(damage + ": records before the damaged one, in order", round.get(i - 1) + 1, (long) round.get(i));
                }
                assertEquals(damage + ": the record before the damaged one", damagedIndex - 1, (long) round.get(resumedAt - 1));
                long resumed = round.get(resumedAt);
                assertEquals(damage + ": corrupt records", 1, probe.corruptRecords() - corruptBefore);
                assertEquals(damage + ": lost records = the damaged one and those skipped with it up to index " + resumed,
                        resumed - damagedIndex, probe.lostRecords() - lostBefore);
                for (int i = resumedAt + 1; i < round.size(); i++) {
                    assertEquals(damage + ": records after the damaged one, in order", round.get(i - 1) + 1, (long) round.get(i));
                }
                table("record header at position " + hit[0] + " (index " + damagedIndex + ") overwritten by a Python process: "
                        + DAMAGES.get(damage) + ", behind a registered reader that did not poll",
                        "reader: 1 corrupt, every record before it read, " + (resumed - damagedIndex)
                        + " lost (the damaged one up to the write position it skipped to, index " + resumed + ")");
            }
            for (InstrumentStatus instrument : instruments()) {
                assertEquals(instrument.id() + ": " + instrument.lastError(), "RUNNING", instrument.state());
            }
            for (String writer : WRITERS) {
                long rows = Support.writer(status, writer).orElseThrow().rows();
                Support.await(writer + " writes after the garbage", 60,
                        () -> Support.writer(status, writer).map(w -> w.rows() > rows).orElse(false));
            }
            runs.stop("record garbage done");
            String writers = ring.stats().readers().stream().filter(r -> !r.name().equals("hostile-probe"))
                    .map(r -> r.name() + " corrupt " + r.corruptRecords() + " lost " + r.lostRecords()).toList().toString();
            LOG.info("writers' readers after the record garbage: {}", writers);

            // The header: write position, oldest position, records claimed, catalog end and epoch, reserved bytes.
            long probeLost = probe.lostRecords();
            long probeCorrupt = probe.corruptRecords();
            runs.start("itest_header_garbage", Map.of());
            Launcher.Result garbage = Launcher.exec(ringFile.getParent(), 120, List.of("/usr/bin/python3", "-c",
                    HEADER_SCRIBBLER, ringFile.toString(), Long.toString(System.nanoTime()), "400"));
            assertEquals(garbage.output(), 0, garbage.exitCode());
            TimeUnit.SECONDS.sleep(1);
            assertCsvHoldsEveryRow(status, runs.stop("header garbage done").orElseThrow());
            drain(probe, indices);
            assertEquals("probe lost records while the header was overwritten", probeLost, probe.lostRecords());
            assertEquals("probe corrupt records while the header was overwritten", probeCorrupt, probe.corruptRecords());
            for (String writer : WRITERS) {
                WriterStats w = Support.writer(status, writer).orElseThrow();
                assertEquals(writer + ": " + w.lastError(), WriterState.IDLE, w.state());
                assertEquals(writer + " records not written", 0, w.recordsNotWritten());
            }
            table("file header's writePosition, oldestPosition, recordsClaimed, catalogEnd, catalogEpoch and reserved bytes"
                    + " overwritten with random values 400 times during a run (" + garbage.output().trim() + ")",
                    "publisher and writers follow their own copies: no record lost or corrupt, every CSV row of the run");
        } finally {
            runs.stop("garbage test ended"); // the next tests start runs of their own
        }
    }

    private static void drain(RingReader reader, List<Long> indices) {
        while (reader.poll(record -> indices.add(record.index()), 10_000) > 0) {
            // until nothing is left
        }
    }

    private static final Map<String, String> DAMAGES = Map.of(
            "type", "type code 32767",
            "short", "length 12 (shorter than a record header)",
            "huge", "length 2147483640 (beyond the segment)",
            "index", "index 0 (indices only grow)");

    /**
     * Overwrites one header field of the 5th committed record at or after a position, as LAYOUT.md
     * describes the file; prints the record's position and index. argv: ring file, position, damage.
     */
    private static final String RECORD_DAMAGER = String.join("\n",
            "import os, struct, sys, time",
            "path, position, damage = sys.argv[1], int(sys.argv[2]), sys.argv[3]",
            "fd = os.open(path, os.O_RDWR)",
            "header = os.pread(fd, 72, 0)",
            "capacity, = struct.unpack_from('<q', header, 16)",
            "segment, = struct.unpack_from('<i', header, 28)",
            "data, = struct.unpack_from('<q', header, 48)",
            "write, = struct.unpack_from('<q', header, 64)",
            "seen, waits = 0, 0",
            "while position < write:",
            "    at = data + position % capacity",
            "    length, kind = struct.unpack('<ih', os.pread(fd, 6, at))",
            "    if length <= 0:",
            "        # claimed, not committed yet: the publisher commits within a moment",
            "        waits += 1",
            "        if waits > 500: sys.exit('record at %d not committed within 5 s' % position)",
            "        time.sleep(0.01)",
            "        continue",
            "    if kind != 0:",
            "        seen += 1",
            "        if seen == 5:",
            "            index, = struct.unpack('<q', os.pread(fd, 8, at + 16))",
            "            field = {'type': (4, struct.pack('<h', 32767)), 'short': (0, struct.pack('<i', 12)),",
            "                     'huge': (0, struct.pack('<i', 2147483640)), 'index': (16, struct.pack('<q', 0))}[damage]",
            "            os.pwrite(fd, field[1], at + field[0])",
            "            print(position, index)",
            "            sys.exit(0)",
            "    position += (length + 7) & ~7",
            "sys.exit('fewer than 5 records before the write position')");

    /**
     * Overwrites the file header's positions and counters (and reserved bytes) with random values,
     * every 5 ms. argv: ring file, seed, writes.
     */
    private static final String HEADER_SCRIBBLER = String.join("\n",
            "import os, random, sys, time",
            "path, seed, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])",
            "rnd = random.Random(seed)",
            "fd = os.open(path, os.O_RDWR)",
            "for i in range(n):",
            "    for offset in (64, 128, 192, 320, 384, 576 + 8 * rnd.randrange(50)):",
            "        os.pwrite(fd, rnd.randbytes(8), offset)",
            "    time.sleep(0.005)",
            "os.close(fd)",
            "print('seed', seed)");

    @Test
    public void e_badWriterAndDriverConfigurationsAreReportedAndTheRestGoesOn() throws Exception {
        RunControl runs = Support.service(context, RunControl.class);
        StorageStatus status = Support.service(context, StorageStatus.class);
        ConfigurationAdmin cm = Support.service(context, ConfigurationAdmin.class);
        List<Configuration> created = new ArrayList<>();
        Map<String, String> writerCases = Map.of(
                "csv_neg", "rotation_size_mb=-5|must be 0 (off) or positive",
                "csv_type", "auto_flush_interval_secs=soon|is not a whole number",
                "csv_template", "file_name_template=../../{experiment}.{ext}|must be a file name");
        for (Map.Entry<String, String> c : writerCases.entrySet()) {
            String[] keyValue = c.getValue().split("\\|")[0].split("=", 2);
            Configuration config = cm.createFactoryConfiguration("org.daqlab.writer.csv", "?");
            Dictionary<String, Object> props = new Hashtable<>();
            props.put("name", c.getKey());
            props.put(keyValue[0], keyValue[1]);
            config.update(props);
            created.add(config);
        }
        for (Map.Entry<String, String> c : writerCases.entrySet()) {
            String expected = c.getValue().split("\\|")[1];
            Support.await(c.getKey() + " reported", 30, () -> Support.writer(status, c.getKey())
                    .map(w -> w.state() == WriterState.FAILED && w.lastError() != null && w.lastError().contains(expected)).orElse(false));
            table("CSV writer configuration " + c.getValue().split("\\|")[0], "writer shown FAILED: " + Support.writer(status, c.getKey()).orElseThrow().lastError());
        }
        int before = instruments().size();
        Configuration meter = cm.createFactoryConfiguration("org.daqlab.driver.sim.powermeter", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("instrument_id", "pm_bad");
        props.put("rate_hz", -1.0);
        meter.update(props);
        created.add(meter);
        Support.await("the bad power meter reported", 30, () -> instruments().stream()
                .anyMatch(i -> "FAILED".equals(i.state()) && i.lastError() != null && i.lastError().contains("rate_hz")));
        InstrumentStatus bad = instruments().stream().filter(i -> "FAILED".equals(i.state())).findFirst().orElseThrow();
        table("power meter configuration rate_hz=-1", "instrument shown FAILED: " + bad.lastError());
        assertEquals(before + 1, instruments().size());

        runs.start("itest_bad_configs", Map.of());
        TimeUnit.SECONDS.sleep(3);
        assertCsvHoldsEveryRow(status, runs.stop("bad configs done").orElseThrow());
        for (Configuration config : created) {
            config.delete();
        }
        Support.await("the failed writers gone with their configurations", 30,
                () -> writerCases.keySet().stream().noneMatch(n -> Support.writer(status, n).isPresent()));
        Support.await("the failed instrument gone", 30, () -> instruments().size() == before);
    }

    @Test
    public void f_badRingConfigurationIsReportedAndTheRingKeepsWorking() throws Exception {
        ConfigurationAdmin cm = Support.service(context, ConfigurationAdmin.class);
        Configuration ringConfig = cm.getConfiguration("org.daqlab.ringbuffer", "?");
        Dictionary<String, Object> props = ringConfig.getProperties() == null ? new Hashtable<>() : ringConfig.getProperties();
        props.put("overflow_mode", "SOMETIMES");
        props.put("block_timeout_ms", "forever");
        ringConfig.update(props);
        Support.await("the ring reports both settings", 60, () -> {
            try {
                String error = Support.service(context, RingBuffer.class).stats().configurationError();
                return error != null && error.contains("overflow_mode") && error.contains("block_timeout_ms");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        table("ring configuration overflow_mode=SOMETIMES, block_timeout_ms=\"forever\"",
                "ring uses defaults and reports: " + Support.service(context, RingBuffer.class).stats().configurationError());
        // the storage core restarted with the ring: the services of its new instance
        StorageStatus status = Support.service(context, StorageStatus.class);
        RunControl runs = Support.service(context, RunControl.class);
        Support.await("the CSV writer back", 60, () -> Support.writer(status, "csv").map(w -> w.state() != WriterState.STOPPED).orElse(false));
        runs.stop("make room");
        runs.start("itest_after_bad_ring", Map.of());
        TimeUnit.SECONDS.sleep(3);
        assertCsvHoldsEveryRow(status, runs.stop("test done").orElseThrow());
    }

    /** The CSV writer holds, for every stream of the run, exactly the rows the stop document counts. */
    private static void assertCsvHoldsEveryRow(StorageStatus status, RunStop stop) throws Exception {
        WriterStats csv = Support.writer(status, "csv").orElseThrow();
        assertEquals(0, csv.recordsLost());
        for (Map.Entry<String, Long> stream : stop.rowsPerStream().entrySet()) {
            long rows = 0;
            for (FileStats f : csv.completedFiles()) {
                if (stream.getKey().equals(f.stream()) && f.path().endsWith(".csv")) {
                    rows += Support.readCsv(Path.of(f.path())).size() - 1;
                }
            }
            assertEquals("CSV rows of " + stream.getKey(), (long) stream.getValue(), rows);
        }
    }

    private static void refused(StreamPublisher stream, VectorSchemaRoot batch, String fix, String what) {
        long batches = stream.batchesPublished();
        try {
            stream.publish(batch);
            fail(what + " was published");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(fix));
            assertEquals(batches, stream.batchesPublished());
            table(what, "refused: " + e.getMessage());
        }
    }

    private static StreamDescriptor descriptor(String stream, String instrument) {
        return descriptor(stream, instrument, "V");
    }

    private static StreamDescriptor descriptor(String stream, String instrument, String unit) {
        return new StreamDescriptor(stream, instrument, StreamSchemas.schema(stream, instrument,
                List.of(StreamSchemas.float64("value", unit)), Map.of()), Map.of());
    }

    private static VectorSchemaRoot batch(StreamDescriptor descriptor, BufferAllocator allocator, double[] values) {
        VectorSchemaRoot batch = VectorSchemaRoot.create(descriptor.schema(), allocator);
        BigIntVector timestamps = (BigIntVector) batch.getVector(StreamSchemas.TIMESTAMP_NS);
        Float8Vector value = (Float8Vector) batch.getVector("value");
        long now = System.currentTimeMillis() * 1_000_000L;
        for (int row = 0; row < values.length; row++) {
            timestamps.setSafe(row, now + row);
            value.setSafe(row, values[row]);
        }
        batch.setRowCount(values.length);
        return batch;
    }

    private BufferAllocator rootAllocator() throws Exception {
        ServiceReference<?>[] refs = context.getServiceReferences(BufferAllocator.class.getName(), "(allocator.name=root)");
        assertNotNull("the root allocator service", refs);
        return (BufferAllocator) context.getService(refs[0]);
    }

    private List<InstrumentStatus> instruments() {
        try {
            List<InstrumentStatus> out = new ArrayList<>();
            for (ServiceReference<Instrument> ref : context.getServiceReferences(Instrument.class, null)) {
                Instrument instrument = context.getService(ref);
                if (instrument != null) {
                    out.add(instrument.status());
                    context.ungetService(ref);
                }
            }
            return out;
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path file(StorageStatus status, String writer, String stream, String suffix) {
        return Support.writer(status, writer).orElseThrow().completedFiles().stream()
                .filter(f -> stream.equals(f.stream()) && f.path().endsWith(suffix)).map(f -> Path.of(f.path()))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no " + suffix + " file of " + stream + " from " + writer));
    }

    private Path outputDirectory() {
        return Path.of(context.getProperty("daqlab.output.dir")).toAbsolutePath().normalize();
    }

    /** Everything in the directories above the output directory, two levels up: where an escape would land. */
    private Set<String> siblingsOfTheOutputDirectory() throws Exception {
        Set<String> names = new TreeSet<>();
        Path top = outputDirectory().getParent().getParent();
        try (Stream<Path> all = Files.walk(top, 2)) {
            all.filter(p -> !p.startsWith(outputDirectory())).forEach(p -> names.add(top.relativize(p).toString()));
        }
        return names;
    }

    private static String printable(String text) {
        String head = text.length() > 24 ? text.substring(0, 24) + "…(" + text.length() + " chars)" : text;
        StringBuilder out = new StringBuilder("\"");
        head.chars().forEach(c -> out.append(c < 0x20 || Character.isSurrogate((char) c) ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.append('"').toString();
    }

    private static void table(String input, String outcome) {
        LOG.info("HOSTILE | {} | {}", input, outcome);
    }
}
