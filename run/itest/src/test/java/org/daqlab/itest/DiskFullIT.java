package org.daqlab.itest;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import javax.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

/**
 * A real full disk: an HDF5 and a CSV writer write into a small tmpfs that fills up mid-run, while the
 * distribution's own writers write everything into another directory. The two fail with an error that
 * names the stream, the file, "No space left on device" and the fix, FAILED in the statistics and the
 * console's status JSON; the files they closed before stay valid (h5py and Python's csv read them); the
 * other writers and the ring lose nothing; once space is freed they resume with a new segment, whose
 * files are valid too, while the run goes on.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DiskFullIT {

    private static final String SMALL_DIR_PROPERTY = "itest.diskfull.dir";
    private static final List<String> SMALL_WRITERS = List.of("hdf5-small", "csv-small");
    private static final long BALLAST_BYTES = 20L << 20;
    private static final Path H5_CHECKER = Path.of("src", "test", "python", "check_h5.py").toAbsolutePath();

    @Inject
    private BundleContext context;

    /** Runs outside the framework, where the api test jar's Tmpfs is on the class path (and we are root). */
    @org.ops4j.pax.exam.Configuration
    public Option[] config() throws Exception {
        Path work = Path.of(System.getProperty("it.work"));
        List<Option> options = new ArrayList<>(Distribution.options(work, "diskfull"));
        // room for the ballast and 8 MiB of data: the writers fill it within seconds
        Path small = SmallDisk.mountUntilExit(work.resolve("diskfull-tmpfs"), "size=28m");
        options.add(frameworkProperty(SMALL_DIR_PROPERTY).value(small.toString()));
        return options.toArray(new Option[0]);
    }

    @Test
    public void writersOnAFullDiskFailPreciselyKeepTheirClosedFilesAndResumeOnceSpaceIsBack() throws Exception {
        Path small = Path.of(context.getProperty(SMALL_DIR_PROPERTY));
        RunControl runs = Support.service(context, RunControl.class);
        StorageStatus status = Support.service(context, StorageStatus.class);
        ConfigurationAdmin cm = Support.service(context, ConfigurationAdmin.class);
        Support.stopBootRun(runs);
        for (String format : List.of("hdf5", "csv")) {
            Configuration c = cm.getFactoryConfiguration("org.daqlab.writer." + format, "small", "?");
            Dictionary<String, Object> props = new Hashtable<>();
            props.put("name", format + "-small");
            props.put("output_dir", small.toString());
            props.put("rotation_duration_secs", 2); // segments closed before the disk fills
            props.put("streams", new String[] {"power_meter_01", "adc0"});
            c.update(props);
        }
        for (String name : SMALL_WRITERS) {
            Support.await(name, 60, () -> Support.writer(status, name).isPresent());
        }
        Path ballast = small.resolve("ballast.bin");
        try (OutputStream out = Files.newOutputStream(ballast)) {
            byte[] block = new byte[1 << 20];
            for (long written = 0; written < BALLAST_BYTES; written += block.length) {
                out.write(block);
            }
        }
        ConsoleHttp http = Support.console(context);

        runs.start("diskfull", Map.of());
        for (String name : SMALL_WRITERS) {
            Support.await(name + " failing on the full disk", 180,
                    () -> Support.writer(status, name).map(w -> w.state() == WriterState.FAILED).orElse(false));
        }
        for (String name : SMALL_WRITERS) {
            WriterStats failed = Support.writer(status, name).orElseThrow();
            String error = failed.lastError();
            assertTrue(error, error.startsWith("writer '" + name + "' failed "));
            // a batch names its stream; a segment that fails at close (HDF5 builds its file then) its file
            assertTrue("names the stream or segment: " + error, error.contains("stream '") || error.contains("segment "));
            assertTrue("names the cause: " + error, error.contains("No space left on device"));
            assertTrue("names the file: " + error, error.contains(small.toString() + "/"));
            assertTrue("names the fix: " + error, error.contains("Fix: free space"));
            assertFalse(name + " closed segments before the disk filled", failed.completedFiles().isEmpty());
            JsonNode json = Support.writerJson(Support.consoleStatus(http), name);
            assertEquals(json.toString(), "FAILED", json.path("state").asText());
            assertTrue(json.toString(), json.path("last_error").asText().contains("No space left on device"));
        }
        Support.await("records counted as not written, and a retry, while the disk is full", 60, () -> SMALL_WRITERS.stream()
                .map(n -> Support.writer(status, n).orElseThrow()).allMatch(w -> w.recordsNotWritten() > 0 && w.retries() > 0));
        JsonNode whileFull = Support.consoleStatus(http);
        for (String name : SMALL_WRITERS) {
            JsonNode json = Support.writerJson(whileFull, name);
            assertTrue(json.toString(), json.path("records_not_written").asLong() > 0);
            assertTrue("a retry each interval while the disk stays full: " + json, json.path("retries").asLong() > 0);
        }
        // what they closed before the disk filled is readable now, by readers we did not write
        List<FileStats> closedBefore = new ArrayList<>();
        SMALL_WRITERS.forEach(n -> closedBefore.addAll(Support.writer(status, n).orElseThrow().completedFiles()));
        assertValid(closedBefore);

        Files.delete(ballast); // space is back
        for (String name : SMALL_WRITERS) {
            long rowsBefore = Support.writer(status, name).orElseThrow().rows();
            // the default retry delay doubles from 1 s while the disk is full: the next attempt comes within 2 min
            Support.await(name + " resuming", 180, () -> Support.writer(status, name)
                    .map(w -> w.state() == WriterState.WRITING && w.rows() > rowsBefore).orElse(false));
        }
        TimeUnit.SECONDS.sleep(3); // rows for the resumed segments
        RunStop stop = runs.stop("disk-full test done").orElseThrow();

        for (String name : SMALL_WRITERS) {
            WriterStats resumed = Support.writer(status, name).orElseThrow();
            assertEquals(resumed.toString(), WriterState.IDLE, resumed.state());
            assertTrue(resumed.notices().toString(),
                    resumed.notices().stream().anyMatch(n -> n.startsWith("resumed in segment ")));
            List<FileStats> after = resumed.completedFiles().stream().filter(f -> !closedBefore.contains(f)).toList();
            assertFalse(name + " completed files after resuming", after.isEmpty());
            assertValid(resumed.completedFiles());
        }
        // the CSV files on the small disk hold the default CSV writer's rows, a contiguous stretch each
        List<String> allAdc = Files.readAllLines(defaultCsv(status, "adc0"));
        for (FileStats f : Support.writer(status, "csv-small").orElseThrow().completedFiles()) {
            if (f.path().endsWith(".csv") && "adc0".equals(f.stream())) {
                assertContiguousRows(f, allAdc);
            }
        }
        // the writers on the other directory and the ring lost nothing
        for (WriterStats w : status.writers()) {
            if (!SMALL_WRITERS.contains(w.name())) {
                assertEquals(w.toString(), WriterState.IDLE, w.state());
                assertEquals(w.name(), 0, w.recordsLost());
                assertEquals(w.name(), 0, w.recordsNotWritten());
                assertEquals(w.name(), null, w.lastError());
            }
        }
        assertEquals("every ADC row in the default CSV file", (long) stop.rowsPerStream().get("adc0"), allAdc.size() - 1);
        JsonNode ring = Support.consoleStatus(http).path("ring");
        assertEquals(ring.toString(), 0, ring.path("block_timeouts").asLong());
        for (JsonNode reader : ring.path("readers")) {
            if (reader.path("name").asText().startsWith("writer:")) { // the console's live tap may skip ahead
                assertEquals(reader.toString(), 0, reader.path("records_lost").asLong());
            }
        }
    }

    /** Every HDF5 file passes check_h5.py (h5py and h5dump) with the rows the core counted; every CSV file parses. */
    private static void assertValid(List<FileStats> files) throws IOException, InterruptedException {
        for (FileStats f : files) {
            Path file = Path.of(f.path());
            assertTrue(f.path(), Files.isRegularFile(file));
            if (f.path().endsWith(".h5")) {
                Path report = Files.createTempFile("diskfull-h5", ".json");
                Process p = new ProcessBuilder("/usr/bin/python3", "-B", H5_CHECKER.toString(), file.toString(),
                        "--report", report.toString()).redirectErrorStream(true).start();
                String output = new String(p.getInputStream().readAllBytes());
                assertTrue("check_h5.py on " + file + " finishes", p.waitFor(300, TimeUnit.SECONDS));
                JsonNode checked = Support.JSON.readTree(report.toFile());
                Files.delete(report);
                assertEquals(file + ": " + checked.path("problems") + output, 0, checked.path("problems").size());
                assertEquals(file + ": " + output, 0, p.exitValue());
            } else if (f.path().endsWith(".csv")) {
                List<List<String>> rows = Support.readCsv(file);
                assertEquals(f.path(), f.rows(), rows.size() - 1);
                assertEquals("timestamp_ns", rows.get(0).get(0));
            }
        }
    }

    /** The rows of a CSV file (read by Python's csv module) are a contiguous stretch of {@code all}'s rows. */
    private static void assertContiguousRows(FileStats file, List<String> all) throws IOException, InterruptedException {
        List<List<String>> rows = Support.readCsv(Path.of(file.path()));
        assertEquals("same header", all.get(0), String.join(",", rows.get(0)));
        if (rows.size() == 1) {
            return;
        }
        int start = all.indexOf(String.join(",", rows.get(1)));
        assertTrue(file.path() + ": its first row is in the default CSV file", start > 0);
        for (int i = 1; i < rows.size(); i++) {
            assertEquals(file.path() + " row " + i, all.get(start + i - 1), String.join(",", rows.get(i)));
        }
    }

    private static Path defaultCsv(StorageStatus status, String stream) {
        return Support.writer(status, "csv").orElseThrow().completedFiles().stream()
                .filter(f -> stream.equals(f.stream()) && f.path().endsWith(".csv")).map(f -> Path.of(f.path()))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no CSV file of " + stream));
    }
}
