package org.daqlab.itest;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8's load and soak, the CI variant: run/bench's {@code Soak} (the same tool as the documented 30-minute soak)
 * runs the real platform, {@code run/daqlab} in a process of its own, with its three simulated instruments at a
 * modest load (the distribution's own rates) and all six writers for two minutes, files rotated every 40 s; it reads
 * every file back with independent readers (h5py, csv, tifffile, apache-arrow, DuckDB, zarrita) and judges its
 * samples. This test checks the tool's report item by item, so that a failure names what broke: a record lost, a
 * file unreadable or short, the heap's floor or the anonymous RSS outside the heap grown past their bounds, threads
 * or open files leaking, throughput unsteady.
 */
class SoakIT {

    private static final Path BENCH_JAR = Launcher.ROOT.resolve("run/bench/target/benchmarks.jar");
    private static final long TIMEOUT_SECONDS = 900;

    @Test
    void twoMinutesOfAllInstrumentsIntoAllSixWritersLoseNothingAndStayBounded(@TempDir Path work) throws Exception {
        assertTrue(Files.isRegularFile(BENCH_JAR), BENCH_JAR + " is missing: the reactor builds run/bench before run/itest");
        Path report = work.resolve("report.json");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", BENCH_JAR.toString(), "org.daqlab.bench.Soak", "soak",
                "--root", Launcher.ROOT.toString(), "--work", work.resolve("soak").toString(), "--report", report.toString(),
                "--duration", "120", "--sample-secs", "3", "--rotate-secs", "40", "--delete-checked", "false",
                // a full GC every 15 s puts one into each 18-s memory window: the heap's floor is then its live set
                "--warmup-secs", "30", "--window-secs", "30", "--full-gc-secs", "15",
                // the distribution's own rates: a modest load on any machine, CI included
                "--adc-hz", "10000", "--camera-fps", "10", "--power-hz", "10"));
        Launcher.Result soak = Launcher.exec(work, TIMEOUT_SECONDS, command);
        assertTrue(Files.isRegularFile(report), "no report: " + soak.output());
        JsonNode r = Support.JSON.readTree(report.toFile());
        String context = "\n" + soak.output();

        assertEquals(0, r.path("records_lost").asLong(), "records lost" + context);
        assertEquals(0, r.path("ring_records_lost").asLong(), "records lost by the ring's readers" + context);
        assertEquals(0, r.path("unreadable_files").size(), "files the independent readers could not read" + context);
        assertTrue(r.path("files_read").asInt() >= 6 * 3, "every writer rotated at least three segments" + context);
        Map<String, Long> published = Support.JSON.convertValue(r.path("published"), Support.JSON.getTypeFactory()
                .constructMapType(Map.class, String.class, Long.class));
        assertEquals(3, published.size(), "three streams published" + context);
        published.forEach((stream, rows) -> assertTrue(rows > 0, stream + " published nothing" + context));
        JsonNode writers = r.path("writers");
        assertEquals(6, writers.size(), "six writers" + context);
        for (Iterator<Map.Entry<String, JsonNode>> it = writers.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> writer = it.next();
            assertEquals(0, writer.getValue().path("lost").asLong(), writer.getKey() + ": records lost or not written" + context);
            JsonNode rows = writer.getValue().path("rows_in_files");
            for (Map.Entry<String, Long> stream : published.entrySet()) {
                if (writer.getKey().equals("soak-tiff") && !stream.getKey().equals("camera0")) {
                    continue; // TIFF holds frames only
                }
                assertEquals(stream.getValue().longValue(), rows.path(stream.getKey()).asLong(-1),
                        writer.getKey() + ": rows of " + stream.getKey() + " in its files, as the independent readers count them" + context);
            }
        }
        JsonNode memory = r.path("memory");
        for (String bounded : List.of("heap used, floor (MB)", "RSS anonymous outside the heap (MB)", "threads", "open files")) {
            JsonNode m = memory.path(bounded);
            assertTrue(m.path("last").asDouble() <= m.path("bound").asDouble(), bounded + " in the last window: " + m + context);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = r.path("throughput").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> writer = it.next();
            double cv = writer.getValue().path("cv").asDouble();
            assertTrue(cv >= 0 && cv <= 0.2, writer.getKey() + ": rows/s per window varied by CV " + cv + context);
        }
        assertTrue(r.path("throughput").size() == 6, "throughput judged for six writers" + context);
        assertTrue(r.path("passed").asBoolean(), "the soak's own verdict: " + r.path("failures") + context);
        assertEquals(0, soak.exitCode(), "the soak's exit code" + context);
    }
}
