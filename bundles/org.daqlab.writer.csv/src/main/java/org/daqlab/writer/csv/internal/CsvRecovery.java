package org.daqlab.writer.csv.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.siegmar.fastcsv.writer.CsvWriter;
import org.daqlab.api.storage.Leftovers;
import org.daqlab.api.storage.OwnOutputs;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Completes the CSV files of segments that never closed (the JVM was killed, the machine lost
 * power): each {@code <name>.csv.part} that no writer of this JVM is writing is cut after its last
 * complete record (a kill mid-write can leave half a record; everything flushed before it is whole),
 * its sidecar {@code <name>.json.part} gets a {@code recovered} entry (when, rows, bytes cut), and
 * both are renamed to their final names ({@code .recovered.csv} if that is taken). Files that a
 * segment closed but the core had not renamed yet are the core's to rename (its commit record), not
 * this recovery's. Nothing is deleted but the bytes of a torn last record and a sidecar replacement
 * that never completed; every outcome is logged and reported in the writer's status.
 *
 * <p>Live files: a CSV file has no lock, so a leftover is a {@code .part} that this JVM did not
 * create ({@link OwnOutputs}) and that was last written before this JVM started: a crashed
 * platform's files stopped changing before its successor began.
 */
final class CsvRecovery {

    private static final String CSV_PART = ".csv.part";
    private static final String SIDECAR_PART = ".json.part";
    /** A sidecar is rewritten as this and renamed over the {@code .json.part} ({@link SidecarWriter}). */
    static final String SIDECAR_NEXT = ".next";
    private static final long JVM_START_MS = ManagementFactory.getRuntimeMXBean().getStartTime();

    private CsvRecovery() {
    }

    /** The CSV files that crashed runs left in {@code directory}. */
    static List<Path> leftovers(Path directory) throws IOException {
        return Leftovers.find(directory, "*" + CSV_PART, part -> Files.isRegularFile(part) && !OwnOutputs.contains(part)
                && Files.getLastModifiedTime(part).toMillis() < JVM_START_MS ? part : null);
    }

    /** Recovers every leftover of {@code directory} in the background, reporting each outcome to {@code report}. */
    static void recoverAll(Path directory, Executor background, ObjectMapper mapper, Consumer<String> report) {
        Leftovers.recoverInBackground("CSV file", directory, CsvRecovery::leftovers,
                leftover -> recover(leftover, mapper), "it is kept as it is", background, report);
    }

    /**
     * Cuts, marks and renames one leftover and its sidecar.
     *
     * @return what was recovered
     * @throws IOException if it cannot be recovered (the file keeps its name, nothing is lost)
     */
    static String recover(Path part, ObjectMapper mapper) throws IOException {
        Boundary end = lastRecordEnd(part);
        long size = Files.size(part);
        if (end.offset < size) {
            try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
                channel.truncate(end.offset);
                channel.force(true);
            }
        }
        long rows = Math.max(0, end.records - 1); // the header is the first record
        Path csv = finalName(part, ".csv");
        String stem = part.getFileName().toString();
        stem = stem.substring(0, stem.length() - CSV_PART.length());
        Path sidecar = part.resolveSibling(stem + SIDECAR_PART);
        // killed before the header reached the disk: no row did either; the sidecar still names the columns
        String headerOutcome = end.records == 0 && restoreHeader(part, sidecar, mapper) ? ", its header written from the sidecar" : "";
        String sidecarOutcome = recoverSidecar(sidecar, csv, rows, size - end.offset, mapper);
        Files.move(part, csv, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(part.getParent());
        return "recovered " + csv.getFileName() + " of a segment that did not close: " + rows + " rows"
                + (end.offset < size ? ", the last " + (size - end.offset) + " bytes (a record cut short) removed" : "")
                + headerOutcome + "; " + sidecarOutcome;
    }

    /**
     * Writes the header of an empty leftover from the column names and delimiter its sidecar
     * ({@link SidecarWriter}) recorded, so that it opens as a CSV file with its columns and no rows.
     *
     * @return whether the sidecar named the columns
     */
    private static boolean restoreHeader(Path part, Path sidecar, ObjectMapper mapper) throws IOException {
        ObjectNode document = Files.exists(sidecar) ? parse(sidecar, mapper) : null;
        if (document == null || !document.path("columns").isArray() || document.path("delimiter").asText().length() != 1) {
            return false;
        }
        List<String> names = new ArrayList<>();
        document.path("columns").forEach(column -> names.add(column.path("name").asText()));
        try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
             CsvWriter csv = CsvStreamFile.csvWriter(out, document.path("delimiter").asText().charAt(0))) {
            csv.writeRecord(names);
        }
        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        return true;
    }

    /** Marks the sidecar recovered and gives it its final name; says what it did. */
    private static String recoverSidecar(Path sidecar, Path csv, long rows, long bytesCut, ObjectMapper mapper) throws IOException {
        Path next = sidecar.resolveSibling(sidecar.getFileName() + SIDECAR_NEXT);
        if (Files.exists(next)) {
            // a rewrite was under way: the new version if it is whole, else the one it was replacing
            if (parse(next, mapper) != null) {
                Files.move(next, sidecar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.delete(next);
            }
        }
        ObjectNode document = Files.exists(sidecar) ? parse(sidecar, mapper) : null;
        String outcome = "sidecar " + (document == null ? "written anew (it was not written before the crash)" : "marked recovered");
        if (document == null) {
            document = mapper.createObjectNode();
            document.put("segment_closed", false);
        }
        long now = Instant.now().getEpochSecond() * 1_000_000_000L + Instant.now().getNano();
        document.put("csv_file", csv.getFileName().toString());
        document.putObject("recovered").put("time", Instant.ofEpochSecond(0, now).toString()).put("time_ns", now)
                .put("rows", rows).put("bytes_cut", bytesCut);
        Path target = finalName(sidecar, ".json");
        Files.write(next, mapper.writeValueAsBytes(document));
        try (FileChannel channel = FileChannel.open(next, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(next, target, StandardCopyOption.ATOMIC_MOVE);
        Files.deleteIfExists(sidecar);
        return outcome + " as " + target.getFileName();
    }

    private static ObjectNode parse(Path file, ObjectMapper mapper) {
        try {
            JsonNode node = mapper.readTree(file.toFile());
            return node instanceof ObjectNode object ? object : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Where the last complete record ends, and how many complete records there are. */
    private record Boundary(long offset, long records) {
    }

    /**
     * Reads the file once, following RFC 4180 quoting (a quoted field may hold line breaks; a
     * doubled quote inside one toggles twice), and returns the end of its last record.
     */
    static Boundary lastRecordEnd(Path csv) throws IOException {
        long offset = 0;
        long end = 0;
        long records = 0;
        boolean quoted = false;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(csv), 1 << 16)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (b == '"') {
                        quoted = !quoted;
                    } else if (b == '\n' && !quoted) {
                        end = offset + i + 1;
                        records++;
                    }
                }
                offset += n;
            }
        }
        return new Boundary(end, records);
    }

    /** {@code x.csv.part} becomes {@code x.csv}, or {@code x.recovered.csv} (…2, …) if that exists. */
    private static Path finalName(Path part, String extension) {
        String name = part.getFileName().toString();
        String base = name.substring(0, name.length() - ".part".length());
        String stem = base.substring(0, base.length() - extension.length());
        Path target = part.resolveSibling(base);
        for (int n = 1; Files.exists(target); n++) {
            target = part.resolveSibling(stem + ".recovered" + (n > 1 ? n : "") + extension);
        }
        return target;
    }

    private static void forceDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // best effort: not every file system can open a directory
        }
    }
}
