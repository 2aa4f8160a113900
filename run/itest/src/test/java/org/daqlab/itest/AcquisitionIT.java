package org.daqlab.itest;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.ring.RingBuffer;
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

import javax.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

/**
 * A run with the three simulated instruments: the CSV files, read back with Python's csv module,
 * hold exactly the rows the instruments published (values, counts, order), and the JSON sidecars
 * carry the units.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AcquisitionIT {

    private static final List<String> STREAMS = List.of("power_meter_01", "adc0", "camera0");

    @Inject
    private BundleContext context;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return Distribution.options(Path.of(System.getProperty("it.work")), "acquisition").toArray(new Option[0]);
    }

    @Test
    public void csvFilesHoldExactlyWhatTheInstrumentsPublished() throws Exception {
        RunControl runs = Support.service(context, RunControl.class);
        StorageStatus status = Support.service(context, StorageStatus.class);
        RingBuffer ring = Support.service(context, RingBuffer.class);
        BufferAllocator root = Support.service(context, BufferAllocator.class);
        Support.await("the CSV writer", 30, () -> Support.writer(status, "csv").isPresent());
        Support.stopBootRun(runs);

        try (RingTap tap = new RingTap(ring, root)) {
            // Restart the drivers so the tap sees their stream descriptors.
            Bundle sim = bundle("org.daqlab.driver.sim");
            sim.stop();
            sim.start();
            Support.await("streams of the three instruments", 30, () -> {
                tap.drain();
                return STREAMS.stream().allMatch(s -> tap.schema(s) != null);
            });
            runs.start("itest_acquisition", Map.of("operator", "pax-exam", "sample", "A12"));
            for (int i = 0; i < 40; i++) {
                TimeUnit.MILLISECONDS.sleep(100);
                tap.drain();
            }
            RunStop stop = runs.stop("test done").orElseThrow();
            tap.drain();
            assertEquals("the tap itself lost nothing", 0, tap.lost());

            WriterStats csv = Support.writer(status, "csv").orElseThrow();
            assertNull("writer error: " + csv.lastError(), csv.lastError());
            assertEquals(WriterState.IDLE, csv.state());
            assertEquals(0, csv.recordsLost());
            assertEquals(0, csv.recordsNotWritten());

            for (String stream : STREAMS) {
                List<List<Object>> published = tap.rows().get(stream);
                assertTrue(stream + " published rows during the run", published != null && !published.isEmpty());
                assertEquals(stream + ": rows in the stop document", (long) stop.rowsPerStream().get(stream), published.size());
                Schema schema = tap.schema(stream);
                List<String> columns = new ArrayList<>();
                for (Field f : schema.getFields()) {
                    if (!StreamSchemas.isFrame(f)) {
                        columns.add(f.getName());
                    }
                }
                List<List<String>> rows = Support.readCsv(file(csv, stream, ".csv"));
                assertEquals(stream + " header", columns, rows.get(0));
                assertEquals(stream + " row count", published.size(), rows.size() - 1);
                for (int r = 0; r < published.size(); r++) {
                    List<Object> expected = published.get(r);
                    List<String> actual = rows.get(r + 1);
                    for (int c = 0; c < expected.size(); c++) {
                        assertSameValue(stream + " row " + r + " column " + columns.get(c), expected.get(c), actual.get(c));
                    }
                }
                assertSidecar(csv, stream, schema);
            }
        }
    }

    private void assertSidecar(WriterStats csv, String stream, Schema schema) throws Exception {
        String text = Support.JSON.writeValueAsString(Support.readJson(file(csv, stream, ".json")));
        for (Field f : schema.getFields()) {
            String unit = StreamSchemas.unit(f);
            if (unit != null && !StreamSchemas.isFrame(f)) {
                assertTrue(stream + " sidecar names unit " + unit + " of " + f.getName() + ": " + text,
                        text.contains("\"" + unit + "\""));
            }
        }
        assertTrue(stream + " sidecar carries run metadata: " + text, text.contains("A12"));
    }

    private static void assertSameValue(String where, Object expected, String actual) {
        if (expected instanceof Double d) {
            assertEquals(where, Double.doubleToLongBits(d), Double.doubleToLongBits(Double.parseDouble(actual)));
        } else if (expected instanceof Long l) {
            assertEquals(where, (long) l, Long.parseLong(actual));
        } else {
            assertEquals(where, String.valueOf(expected), actual);
        }
    }

    private static Path file(WriterStats writer, String stream, String suffix) {
        return writer.completedFiles().stream()
                .filter(f -> stream.equals(f.stream()) && f.path().endsWith(suffix))
                .map(FileStats::path).map(Path::of).findFirst()
                .orElseThrow(() -> new AssertionError("no " + suffix + " file for " + stream + " in " + writer.completedFiles()));
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("bundle " + symbolicName + " is not installed");
    }
}
