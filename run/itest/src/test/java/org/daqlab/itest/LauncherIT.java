package org.daqlab.itest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's main command, run as a user runs it: {@code run/daqlab --duration … --output …}. */
class LauncherIT {

    private static final Pattern FILE_LINE = Pattern.compile("^\\s+(\\S+\\.csv)\\s+rows=(\\d+)\\s+bytes=(\\d+)$", Pattern.MULTILINE);

    @Test
    void timedAcquisitionWritesCsvForEveryInstrumentAndASummaryThatMatchesTheFiles(@TempDir Path work) throws Exception {
        Path out = work.resolve("out");
        Launcher.Result r = Launcher.run(work, "--duration", "6", "--output", out.toString(), "--writers", "csv");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("records lost 0"), r.output());

        Map<String, Long> summaryRows = new TreeMap<>();
        Matcher m = FILE_LINE.matcher(r.output());
        while (m.find()) {
            summaryRows.put(m.group(1), Long.parseLong(m.group(2)));
            assertEquals(Long.parseLong(m.group(3)), Files.size(Path.of(m.group(1))), "bytes of " + m.group(1));
        }
        for (String stream : List.of("power_meter_01", "adc0", "camera0")) {
            assertTrue(summaryRows.keySet().stream().anyMatch(p -> p.contains(stream)), stream + " in " + r.output());
        }
        try (Stream<Path> files = Files.list(out)) {
            List<Path> csvs = files.filter(p -> p.toString().endsWith(".csv")).toList();
            assertEquals(3, csvs.size(), csvs.toString());
            for (Path csv : csvs) {
                long dataRows = Support.readCsv(csv).size() - 1;
                assertEquals(summaryRows.get(csv.toString()), dataRows, "rows of " + csv);
                assertTrue(dataRows > 0, csv + " has rows");
            }
        }
        try (Stream<Path> files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".part")), "no temporary files left");
        }
    }

    @Test
    void withoutWritersNamedTheDefaultBackendHdf5WritesAlone(@TempDir Path work) throws Exception {
        Path out = work.resolve("out");
        Launcher.Result r = Launcher.run(work, "--duration", "2", "--output", out.toString());
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("records lost 0"), r.output());
        try (Stream<Path> files = Files.list(out)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(1, names.size(), "one file, HDF5: " + names);
            assertTrue(names.get(0).endsWith("_v1.h5"), names.toString());
        }
        // the default logging configuration: daqlab's INFO lines, none of jhdf's per-attribute chatter
        assertTrue(r.output().contains("INFO  org.daqlab.core [org.daqlab.core.internal.WriterRunner] writer 'hdf5' completed"),
                r.output());
        assertFalse(r.output().contains("jhdf"), r.output());
    }

    @Test
    void anUnknownWriterNameIsRejectedWithTheInstalledOnes(@TempDir Path work) throws Exception {
        Launcher.Result r = Launcher.run(work, "--duration", "2", "--output", work.resolve("out").toString(), "--writers", "nosuch");
        assertEquals(2, r.exitCode(), r.output());
        assertTrue(r.output().contains("unknown writer [nosuch]"), r.output());
        assertTrue(r.output().contains("csv"), "names the installed writers: " + r.output());
    }

    @Test
    void aBadDurationIsRejectedBeforeStarting(@TempDir Path work) throws Exception {
        Launcher.Result r = Launcher.run(work, "--duration", "soon");
        assertEquals(2, r.exitCode(), r.output());
        assertTrue(r.output().contains("--duration 'soon' is not a positive number of seconds"), r.output());
    }

    @Test
    void sigtermStopsThePlatformAfterEveryWriterClosedItsFiles(@TempDir Path work) throws Exception {
        Path data = work.resolve("data");
        Process p = Launcher.startUntilDataFlows(work, data, "--writers", "csv");
        TimeUnit.SECONDS.sleep(2);
        Launcher.stop(p);
        String log = Files.readString(work.resolve("log.txt"));
        assertTrue(!Launcher.hasFile(data, ".part"), "files left under temporary names: " + log);
        try (Stream<Path> files = Files.list(data)) {
            List<Path> csvs = files.filter(f -> f.toString().endsWith(".csv")).toList();
            assertEquals(3, csvs.size(), log);
            for (Path csv : csvs) {
                assertTrue(Support.readCsv(csv).size() > 1, csv + " has rows");
            }
        }
    }
}
