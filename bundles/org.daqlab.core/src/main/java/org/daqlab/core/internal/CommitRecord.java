package org.daqlab.core.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The durable promise that a segment's files are complete: written (and forced to disk) after the
 * writer closed them and before the core renames them, deleted once every rename is durable. A
 * crash in between leaves complete files under their {@value Segment#TEMP_SUFFIX} names, which the
 * writers' own recoveries do not touch (a closed HDF5 file has no journal left, a CSV file no
 * marker at all); the record says they are done, and {@link #completeLeftovers} renames them at the
 * next start, before any writer opens a segment (and runs its recovery) in the directory. What no
 * record names was not closed: that is the writers' recoveries' to complete.
 *
 * <p>The record is {@code <first final name>}{@value #SUFFIX} beside the files (a segment's files
 * all live in one directory), one URL-encoded final file name per line; a line counts only once its
 * newline is there, so a record cut short by a power loss names fewer files, never a wrong one.
 */
final class CommitRecord {

    static final String SUFFIX = ".commit";

    private static final Logger LOG = LoggerFactory.getLogger(CommitRecord.class);
    /** Records of commits under way in this JVM: never leftovers, whatever another thread finds. */
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();
    /** Directories whose leftovers this JVM has completed: once is enough, later records are its own. */
    private static final Set<Path> COMPLETED = ConcurrentHashMap.newKeySet();

    private final Path path;

    private CommitRecord(Path path) {
        this.path = path;
    }

    /**
     * Writes and forces the record of {@code finals} (final names of complete files in
     * {@code directory}, whose temporary names are the final names plus {@value Segment#TEMP_SUFFIX}).
     */
    static CommitRecord write(Path directory, List<Path> finals) throws IOException {
        Path path = directory.resolve(finals.get(0).getFileName() + SUFFIX);
        StringBuilder text = new StringBuilder();
        for (Path f : finals) {
            text.append(URLEncoder.encode(f.getFileName().toString(), StandardCharsets.UTF_8)).append('\n');
        }
        LIVE.add(key(path));
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        } catch (IOException e) {
            LIVE.remove(key(path));
            throw new IOException("cannot write the commit record " + path + " of a closed segment (its files keep their "
                    + Segment.TEMP_SUFFIX + " names): " + e.getMessage(), e);
        }
        Segment.forceDirectory(directory);
        return new CommitRecord(path);
    }

    /** Deletes the record once the renames it promised are durable. */
    void delete() throws IOException {
        Files.delete(path);
        LIVE.remove(key(path));
    }

    /**
     * Renames the complete files that crashed commits in {@code directory} left under temporary
     * names, once per directory and JVM (commits of this JVM are skipped: they finish themselves).
     * A file whose final name is taken keeps its temporary name and its record, and is reported.
     */
    static void completeLeftovers(Path directory) {
        Path dir = key(directory);
        if (COMPLETED.contains(dir)) {
            return;
        }
        synchronized (COMPLETED) {
            if (!COMPLETED.add(dir)) {
                return;
            }
            List<Path> records = new ArrayList<>();
            try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
                found.forEach(records::add);
            } catch (IOException e) {
                LOG.error("cannot look for commit records of crashed runs in {}: {}; files they name keep their {} names",
                        dir, e.getMessage(), Segment.TEMP_SUFFIX);
                return;
            }
            records.sort(null);
            for (Path record : records) {
                if (!LIVE.contains(key(record)) && Files.isRegularFile(record)) {
                    complete(record);
                }
            }
        }
    }

    /** Rolls one record forward. */
    static void complete(Path record) {
        List<String> renamed = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try {
            for (Path target : finals(record)) {
                Path temp = target.resolveSibling(target.getFileName() + Segment.TEMP_SUFFIX);
                if (!Files.exists(temp)) {
                    continue; // renamed before the crash
                }
                if (Files.exists(target)) {
                    problems.add(temp.getFileName() + " (" + target.getFileName() + " exists already: move one of them away)");
                    continue;
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                renamed.add(target.getFileName().toString());
            }
            Segment.forceDirectory(record.getParent());
            if (problems.isEmpty()) {
                Files.delete(record);
            }
        } catch (IOException e) {
            problems.add(e.toString());
        }
        if (!renamed.isEmpty()) {
            LOG.warn("completed the commit of a segment that was closed when the platform stopped: renamed {} to {}",
                    renamed.size() == 1 ? "its file" : "its " + renamed.size() + " files", renamed);
        }
        if (!problems.isEmpty()) {
            LOG.error("could not complete the commit record {} of a closed segment: {}; the record is kept and read again at "
                    + "the next start", record, problems);
        }
    }

    /** The final names a record lists (complete lines only). */
    private static List<Path> finals(Path record) throws IOException {
        String text = Files.readString(record, StandardCharsets.UTF_8);
        List<Path> finals = new ArrayList<>();
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return finals;
        }
        for (String line : text.substring(0, end).split("\n")) {
            String name = URLDecoder.decode(line, StandardCharsets.UTF_8);
            if (!name.isEmpty() && !name.contains("/") && !name.equals("..")) {
                finals.add(record.resolveSibling(name));
            }
        }
        return finals;
    }

    private static Path key(Path path) {
        return path.toAbsolutePath().normalize();
    }
}
