package org.daqlab.itest;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.daqlab.api.run.RunControl;
import org.daqlab.api.storage.FileStats;
import org.daqlab.api.storage.StorageStatus;
import org.daqlab.api.storage.WriterStats;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

import javax.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/** The daq:* Gogo commands drive a real run: metadata typed at the shell ends up in the files. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellIT {

    @Inject
    private BundleContext context;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return Distribution.options(Path.of(System.getProperty("it.work")), "shell").toArray(new Option[0]);
    }

    @Test
    public void daqCommandsStartAnnotateFlushAndStopARun() throws Exception {
        RunControl runs = Support.service(context, RunControl.class);
        StorageStatus status = Support.service(context, StorageStatus.class);
        Support.await("the CSV writer", 30, () -> Support.writer(status, "csv").isPresent());
        Support.stopBootRun(runs);
        CommandProcessor gogo = Support.service(context, CommandProcessor.class);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CommandSession session = gogo.createSession(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8))) {
            String started = String.valueOf(session.execute("daq:start shell_run sample=B7 exposure_ms=2.5"));
            assertTrue(started, started.contains("run 'shell_run' started"));
            assertEquals("B7", runs.metadata().get("sample"));
            assertEquals(2.5, runs.metadata().get("exposure_ms"));

            session.execute("daq:meta power_meter_01 attenuator 3");
            session.execute("daq:meta operator lab-a");
            TimeUnit.SECONDS.sleep(1);
            assertEquals("flushed", String.valueOf(session.execute("daq:flush")));

            String state = String.valueOf(session.execute("daq:status"));
            assertTrue(state, state.contains("run 'shell_run' active"));
            assertTrue(state, state.contains("power_meter_01") && state.contains("csv") && state.contains("WRITING"));
            String ring = String.valueOf(session.execute("daq:ring"));
            assertTrue(ring, ring.contains("reader writer:csv"));

            String stopped = String.valueOf(session.execute("daq:stop"));
            assertTrue(stopped, stopped.contains("stopped"));
        }
        WriterStats csv = Support.writer(status, "csv").orElseThrow();
        Path sidecar = csv.completedFiles().stream()
                .filter(f -> "power_meter_01".equals(f.stream()) && f.path().endsWith(".json"))
                .map(FileStats::path).map(Path::of).findFirst().orElseThrow();
        Map<String, Object> json = Support.readJson(sidecar);
        String text = Support.JSON.writeValueAsString(json);
        assertTrue(text, text.contains("\"sample\":\"B7\""));
        assertTrue(text, text.contains("\"exposure_ms\":2.5"));
        assertTrue("instrument metadata set at the shell: " + text, text.contains("\"attenuator\":3"));
        assertTrue("run metadata set at the shell: " + text, text.contains("\"operator\":\"lab-a\""));
    }
}
