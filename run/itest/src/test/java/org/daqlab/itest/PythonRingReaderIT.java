package org.daqlab.itest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stdlib-only Python reader of the ring file ({@code clients/python/daqlab_ring.py}, written from
 * LAYOUT.md alone) follows the live ring of the real platform from another process; an Arrow
 * implementation independent of the platform's, the {@code apache-arrow} npm package, decodes what it
 * read; and the values are the ones the CSV writer wrote.
 */
class PythonRingReaderIT {

    private static final Path READER = Launcher.ROOT.resolve("clients/python/daqlab_ring.py");
    private static final Path DECODER = Path.of("src", "test", "node").toAbsolutePath();
    private static final String PYTHON = "/usr/bin/python3";
    private static final String READER_NAME = "itest-python";
    private static final List<String> STREAMS = List.of("power_meter_01", "adc0", "camera0");
    /** Each simulated instrument publishes 10 batches a second; the reader reads 5 s and more. */
    private static final int MIN_BATCHES = 20;
    private static final String TENSOR = "arrow.fixed_shape_tensor";

    @Test
    void followsTheLiveRingCountingEveryLossAndItsBatchesDecodeToTheWrittenRows(@TempDir Path work) throws Exception {
        Path ring = work.resolve("ring.dat");
        Path out = work.resolve("out");
        Path dump = work.resolve("dump");
        Process platform = Launcher.startUntilDataFlows(work, out, "--ring", ring.toString(), "--output", out.toString(),
                "--writers", "csv");
        Launcher.Result read;
        int platformExit;
        try {
            read = Launcher.exec(work, 60, List.of(PYTHON, READER.toString(), ring.toString(), "--seconds", "5",
                    "--from-oldest", "--dump", dump.toString(), "--name", READER_NAME));
        } finally {
            platformExit = Launcher.stop(platform);
        }
        String log = Files.readString(work.resolve("log.txt"));
        // 143 = 128 + SIGTERM: how the JVM exits once its shutdown hooks (the framework stop that
        // closes every file) have run.
        assertTrue(platformExit == 0 || platformExit == 143, "platform exit code " + platformExit + ": " + log);
        assertFalse(Launcher.hasFile(out, ".part"), "files left under temporary names: " + log);
        assertEquals(0, read.exitCode(), read.output());

        Map<String, Object> summary = Support.readJson(dump.resolve("summary.json"));
        List<Map<String, Object>> records = readJsonLines(dump.resolve("records.jsonl"));
        assertEquals(0L, number(summary, "corrupt"), read.output());
        assertEquals(records.size(), number(summary, "records"));
        assertIndicesAccountForEveryLoss(records, summary);
        assertBatchSequencesConsecutiveExceptWhereLost(records);
        assertCatalogHoldsTheRingsDescriptors(dump, records);
        assertJsonDocumentsParse(dump, records);
        assertSlotReleasedWithTheReportedLoss(ring, number(summary, "lost"));

        Map<String, Object> decoded = decode(dump, work.resolve("decoded.json"));
        assertEquals(0L, number(decoded, "batches_without_schema"), "every batch had its descriptor");
        for (String stream : STREAMS) {
            assertDecodedRowsAreTheWrittenOnes(stream, decoded, out);
        }

        assertTruncatedCopyRefused(ring, work);
    }

    @Test
    void theReadersOwnTestsOfBadFilesLapsAndCorruptRecordsPass(@TempDir Path work) throws Exception {
        Launcher.Result r = Launcher.exec(work, 120,
                List.of(PYTHON, "-B", "-m", "unittest", "discover", "-s", READER.getParent().toString(), "-v"));
        assertEquals(0, r.exitCode(), r.output());
    }

    /** Indices only grow, and the indices that are missing are exactly the losses (and aborts) reported. */
    private static void assertIndicesAccountForEveryLoss(List<Map<String, Object>> records, Map<String, Object> summary) {
        long gaps = 0;
        for (int i = 1; i < records.size(); i++) {
            long step = number(records.get(i), "index") - number(records.get(i - 1), "index");
            assertTrue(step > 0, "indices must grow: " + records.get(i - 1) + " then " + records.get(i));
            gaps += step - 1;
        }
        assertEquals(number(summary, "lost") + number(summary, "aborted"), gaps,
                "indices missing from the dump vs the loss the reader reported: " + summary);
    }

    /** Per stream, a batch's sequence follows the previous one's unless records between them were lost. */
    private static void assertBatchSequencesConsecutiveExceptWhereLost(List<Map<String, Object>> records) {
        Map<Long, Integer> lastBatch = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            Map<String, Object> record = records.get(i);
            long streamId = number(record, "stream_id");
            if ("DESCRIPTOR".equals(record.get("type"))) {
                lastBatch.remove(streamId); // a stream (re)opened: its sequence starts again
            } else if ("BATCH".equals(record.get("type"))) {
                Integer j = lastBatch.put(streamId, i);
                if (j != null) {
                    Map<String, Object> previous = records.get(j);
                    long step = number(record, "sequence") - number(previous, "sequence");
                    long missing = (number(record, "index") - number(previous, "index")) - (i - j);
                    assertTrue(step >= 1 && step - 1 <= missing, "stream " + streamId + ": batch sequence "
                            + number(previous, "sequence") + " then " + number(record, "sequence") + " with "
                            + missing + " records lost between them");
                }
            }
        }
    }

    /** A catalog entry carries the payload of its DESCRIPTOR record in the ring (LAYOUT.md §5.2). */
    @SuppressWarnings("unchecked")
    private static void assertCatalogHoldsTheRingsDescriptors(Path dump, List<Map<String, Object>> records)
            throws IOException {
        List<Map<String, Object>> catalog = Support.JSON.readValue(dump.resolve("catalog.json").toFile(), List.class);
        assertEquals(STREAMS.size(), catalog.size(), "catalog entries: " + catalog);
        for (Map<String, Object> entry : catalog) {
            Map<String, Object> inRing = records.stream()
                    .filter(r -> "DESCRIPTOR".equals(r.get("type")) && number(r, "index") == number(entry, "index"))
                    .findFirst().orElseThrow(() -> new AssertionError("the ring's DESCRIPTOR record of " + entry
                            + " was read from the oldest record on"));
            assertArrayEquals(Files.readAllBytes(dump.resolve((String) inRing.get("payload_file"))),
                    Files.readAllBytes(dump.resolve((String) entry.get("payload_file"))), "payload of " + entry);
        }
    }

    private static void assertJsonDocumentsParse(Path dump, List<Map<String, Object>> records) throws IOException {
        for (Map<String, Object> record : records) {
            String type = (String) record.get("type");
            if (!type.equals("DESCRIPTOR") && !type.equals("BATCH")) {
                Map<String, Object> document = Support.readJson(dump.resolve((String) record.get("payload_file")));
                if (type.equals("RUN_START")) {
                    assertNotNull(document.get("uid"), "RUN_START " + document);
                }
            }
        }
    }

    /** After the reader exits, its slot (LAYOUT.md §7) is free and shows its name and final loss count. */
    private static void assertSlotReleasedWithTheReportedLoss(Path ring, long lost) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        try (InputStream in = Files.newInputStream(ring)) {
            header.put(in.readNBytes(4096)).flip();
        }
        for (int slot = 0; slot < 48; slot++) {
            int at = 1024 + 64 * slot;
            byte[] name = new byte[24];
            header.get(at + 40, name);
            if (new String(name, StandardCharsets.UTF_8).replace("\0", "").equals(READER_NAME)) {
                assertEquals(0, header.getLong(at), "state of slot " + slot);
                assertTrue(header.getLong(at + 8) > 0, "cursor of slot " + slot);
                assertEquals(lost, header.getLong(at + 32), "lostRecords of slot " + slot);
                return;
            }
        }
        throw new AssertionError("no reader slot of " + ring + " is named " + READER_NAME);
    }

    /** Runs the node decoder (installing its pinned apache-arrow first on a fresh checkout). */
    private static Map<String, Object> decode(Path dump, Path output) throws IOException, InterruptedException {
        Support.node(DECODER, "decode-ring-dump.mjs", dump.toString(), output.toString());
        return Support.readJson(output);
    }

    /**
     * Every row decoded from the ring that was published once the CSV writer had joined is in the
     * stream's CSV files, with the same value in every written column; frames have their shape and
     * the frame number burnt into their first 8 bytes.
     */
    @SuppressWarnings("unchecked")
    private static void assertDecodedRowsAreTheWrittenOnes(String stream, Map<String, Object> decoded, Path out)
            throws IOException, InterruptedException {
        List<Map<String, Object>> groups = ((List<Map<String, Object>>) decoded.get("streams")).stream()
                .filter(s -> stream.equals(s.get("stream"))).toList();
        assertFalse(groups.isEmpty(), stream + " decoded from the ring");
        List<Map<String, Object>> fields = (List<Map<String, Object>>) groups.get(0).get("fields");
        List<String> names = fields.stream().map(f -> (String) f.get("name")).toList();
        List<List<Object>> rows = new ArrayList<>();
        long batches = 0;
        for (Map<String, Object> group : groups) {
            assertEquals(fields, group.get("fields"), stream + " keeps its columns");
            rows.addAll((List<List<Object>>) group.get("rows"));
            batches += ((List<?>) group.get("batches")).size();
        }
        assertTrue(batches >= MIN_BATCHES, stream + ": " + batches + " batches read, expected at least " + MIN_BATCHES);

        List<String> header = null;
        Map<String, List<String>> written = new HashMap<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path csv : files.filter(f -> f.getFileName().toString().endsWith("_" + stream + ".csv")).toList()) {
                List<List<String>> lines = Support.readCsv(csv);
                header = lines.get(0);
                for (List<String> line : lines.subList(1, lines.size())) {
                    written.put(line.get(0), line);
                }
            }
        }
        assertNotNull(header, "a CSV file of " + stream + " in " + out);
        assertEquals(names.stream().filter(n -> !isTensor(fields.get(names.indexOf(n)))).toList(), header,
                stream + ": CSV columns are the stream's columns without frames");
        long firstWritten = written.keySet().stream().mapToLong(Long::parseLong).min().orElseThrow();

        int timestamp = names.indexOf("timestamp_ns");
        long matched = 0;
        for (List<Object> row : rows) {
            String ts = (String) row.get(timestamp);
            if (Long.parseLong(ts) < firstWritten) {
                continue; // published before the CSV writer joined the run
            }
            List<String> line = written.get(ts);
            assertNotNull(line, stream + ": the row at timestamp_ns " + ts + " read from the ring is not in the CSV");
            for (int c = 0; c < header.size(); c++) {
                int f = names.indexOf(header.get(c));
                String type = (String) fields.get(f).get("type");
                String value = (String) row.get(f);
                String message = stream + " " + header.get(c) + " at " + ts + ": ring " + value + ", CSV " + line.get(c);
                if (type.equals("Float64")) {
                    assertEquals(Double.doubleToLongBits(Double.parseDouble(line.get(c))),
                            Double.doubleToLongBits(Double.parseDouble(value)), message);
                } else {
                    assertEquals(line.get(c), value, message);
                }
            }
            for (int f = 0; f < fields.size(); f++) {
                if (isTensor(fields.get(f))) {
                    assertFrame(stream, fields.get(f), (Map<String, Object>) row.get(f),
                            line.get(header.indexOf("frame_number")));
                }
            }
            matched++;
        }
        assertTrue(matched >= MIN_BATCHES, stream + ": only " + matched + " rows read while the CSV writer wrote");
    }

    private static boolean isTensor(Map<String, Object> field) {
        return TENSOR.equals(((Map<?, ?>) field.get("metadata")).get("ARROW:extension:name"));
    }

    /**
     * A frame of the simulated camera: shape [H, W] from the tensor's extension metadata, the frame
     * number as a little-endian u64 in its first 8 bytes, and the test pattern
     * {@code pixel k = (n + k) mod 2^bits} in its last pixel.
     */
    @SuppressWarnings("unchecked")
    private static void assertFrame(String stream, Map<String, Object> field, Map<String, Object> frame,
            String frameNumber) throws IOException {
        Map<String, Object> extension = Support.JSON.readValue(
                (String) ((Map<?, ?>) field.get("metadata")).get("ARROW:extension:metadata"), Map.class);
        List<Number> shape = (List<Number>) extension.get("shape");
        assertEquals(List.of(256, 256), shape, stream + " frame shape");
        long pixels = shape.stream().mapToLong(Number::longValue).reduce(1, (a, b) -> a * b);
        assertEquals(pixels, number(frame, "length"), stream + " pixels per frame");
        assertEquals(frameNumber, frame.get("first_u64"), stream + " frame number burnt into frame " + frameNumber);
        long mask = (1L << number(frame, "bits")) - 1;
        assertEquals(Long.toString((Long.parseLong(frameNumber) + pixels - 1) & mask), frame.get("last"),
                stream + " last pixel of frame " + frameNumber);
    }

    /** A copy of the real ring cut short is refused with exit code 2 and a message naming the field. */
    private static void assertTruncatedCopyRefused(Path ring, Path work) throws IOException, InterruptedException {
        Path truncated = work.resolve("truncated.dat");
        try (InputStream in = Files.newInputStream(ring)) {
            Files.write(truncated, in.readNBytes(5000));
        }
        Launcher.Result r = Launcher.exec(work, 60, List.of(PYTHON, READER.toString(), truncated.toString()));
        assertEquals(2, r.exitCode(), r.output());
        assertTrue(r.output().contains(truncated + ": the file length is 5000 bytes, expected dataOffset + capacity"),
                r.output());
    }

    private static List<Map<String, Object>> readJsonLines(Path file) throws IOException {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lines.add(Support.JSON.readValue(line, Support.JSON.getTypeFactory()
                    .constructMapType(Map.class, String.class, Object.class)));
        }
        return lines;
    }

    private static long number(Map<String, Object> map, String key) {
        Object value = map.get(key);
        assertTrue(value instanceof Number, key + " is a number in " + map);
        return ((Number) value).longValue();
    }
}
