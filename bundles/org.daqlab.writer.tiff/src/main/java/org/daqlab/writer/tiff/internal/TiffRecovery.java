package org.daqlab.writer.tiff.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.daqlab.api.storage.Leftovers;
import org.daqlab.api.storage.OwnOutputs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Completes the TIFF stacks of segments that never closed (the JVM was killed, the machine lost
 * power): each {@code <name>.tif.part} whose unfinished mark ({@code .tif.part.lock}) no live writer
 * holds. The chain of pages is walked from the header, each directory checked against the file
 * (entries, values and strips inside it); the chain ends at the first page that is not whole (after a
 * power failure a link may have reached the disk before its page). The ImageJ description gets the
 * number of pages, bytes after the last whole page are cut off, and the file is renamed to its final
 * name. Every outcome is logged and reported in the writer's status. Nothing is deleted: a file with
 * no whole page keeps its name and is reported.
 */
final class TiffRecovery {

    static final String PART = ".tif.part";
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Files a recovery of this JVM is completing: another one (a second writer instance on the same
     * directory) must not even open their lock file, since closing it would release the first one's lock.
     */
    private static final Set<Path> RECOVERING = ConcurrentHashMap.newKeySet();

    private TiffRecovery() {
    }

    /** What a recovered file holds. */
    record Result(long pages, long cutBytes, String stream, boolean bigTiff, String chainEnd) {
    }

    /** The unfinished files of {@code directory} (not those this JVM's writers created). */
    static List<Path> leftovers(Path directory) throws IOException {
        return Leftovers.find(directory, "*" + PART + LockFile.SUFFIX, lock -> {
            String name = lock.getFileName().toString();
            Path data = lock.resolveSibling(name.substring(0, name.length() - LockFile.SUFFIX.length()));
            return OwnOutputs.contains(data) ? null : data;
        });
    }

    /** Recovers every leftover of {@code directory} in the background, reporting each outcome to {@code report}. */
    static void recoverAll(Path directory, Executor background, Consumer<String> report) {
        Leftovers.recoverInBackground("TIFF file", directory, TiffRecovery::leftovers,
                TiffRecovery::recover, "it is kept as it is", background, report);
    }

    /**
     * Completes and renames one leftover.
     *
     * @return what was recovered, or {@code null} if a live writer holds it (or a writer of this JVM created it)
     * @throws IOException if it cannot be recovered (nothing is deleted then)
     */
    static String recover(Path data) throws IOException {
        Path key = data.toAbsolutePath().normalize();
        if (OwnOutputs.contains(data) || !RECOVERING.add(key)) {
            return null; // live here (even opening its lock file would release its writer's lock), or being recovered
        }
        try {
            return recoverClaimed(data);
        } finally {
            RECOVERING.remove(key);
        }
    }

    private static String recoverClaimed(Path data) throws IOException {
        LockFile lock = LockFile.tryExisting(LockFile.of(data));
        if (lock == null) {
            return null;
        }
        try {
            if (!Files.exists(data)) {
                // renamed after its last page, before its mark went: nothing to complete
                lock.delete();
                return null;
            }
            Result result;
            try (FileChannel channel = FileChannel.open(data, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                result = complete(channel, data);
            }
            Path target = finalName(data);
            Files.move(data, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(target.toAbsolutePath().getParent());
            lock.delete();
            return describe(target, result);
        } finally {
            lock.release(); // nothing if deleted; else the mark stays for a later attempt
        }
    }

    /**
     * Makes the file whole in place: the chain ends at its last whole page, the description counts the
     * pages, the tail is cut off, and it is forced to disk.
     *
     * @throws IOException if it has no whole page or cannot be written (it is left as it was then)
     */
    static Result complete(FileChannel channel, Path data) throws IOException {
        long size = channel.size();
        TiffStructure.Header header = TiffStructure.header(channel);
        List<TiffStructure.Directory> pages = new ArrayList<>();
        long used = 16;
        String chainEnd = null;
        long linkField = header.linkField();
        for (long next = header.firstIfd(); next != 0; ) {
            TiffStructure.Directory directory;
            long end;
            try {
                if (!pages.isEmpty() && next <= pages.get(pages.size() - 1).offset()) {
                    throw new IOException("the chain goes back to offset " + next);
                }
                directory = TiffStructure.directory(channel, next, header.big(), size);
                end = TiffStructure.checkPage(channel, directory, size);
            } catch (IOException notWhole) {
                chainEnd = "page " + (pages.size() + 1) + " is not whole: " + notWhole.getMessage();
                break;
            }
            pages.add(directory);
            used = Math.max(used, end);
            linkField = directory.nextField();
            next = directory.next();
        }
        if (pages.isEmpty()) {
            throw new IOException(data + " holds no whole page" + (chainEnd == null ? "" : " (" + chainEnd + ")")
                    + ": the writer was stopped before its first frame was written");
        }
        if (chainEnd != null) {
            ByteBuffer zero = ByteBuffer.allocate(header.big() ? 8 : 4);
            while (zero.hasRemaining()) {
                channel.write(zero, linkField + zero.position());
            }
        }
        String stream = null;
        TiffStructure.Directory first = pages.get(0);
        TiffStructure.Entry description = first.entry(Tag.IMAGE_DESCRIPTION);
        if (description != null && description.outOfLine(header.big())) {
            byte[] updated = ImageJDescription.withPages(TiffStructure.value(channel, first, description), pages.size());
            if (updated != null) {
                ByteBuffer bytes = ByteBuffer.wrap(updated);
                while (bytes.hasRemaining()) {
                    channel.write(bytes, description.offset() + bytes.position());
                }
            }
        }
        TiffStructure.Entry metadata = first.entry(Tag.DAQLAB_METADATA);
        if (metadata != null) {
            try {
                byte[] json = TiffStructure.value(channel, first, metadata);
                JsonNode doc = JSON.readTree(new String(json, 0, Math.max(0, json.length - 1), StandardCharsets.UTF_8));
                stream = doc.path("stream").asText(null);
            } catch (IOException notJson) {
                // the stream's name is only for the report
            }
        }
        long cut = size - used;
        if (cut > 0) {
            channel.truncate(used);
        }
        channel.force(true);
        return new Result(pages.size(), cut, stream, header.big(), chainEnd);
    }

    private static String describe(Path target, Result result) {
        StringBuilder text = new StringBuilder("recovered ").append(target.getFileName())
                .append(" of a segment that did not close");
        if (result.stream() != null) {
            text.append(" (stream '").append(result.stream()).append("')");
        }
        text.append(": ").append(result.pages()).append(result.bigTiff() ? " BigTIFF" : "").append(" pages");
        if (result.cutBytes() > 0) {
            text.append("; ").append(result.cutBytes()).append(" bytes after the last whole page were cut off");
        }
        if (result.chainEnd() != null) {
            text.append("; the chain was ended before ").append(result.chainEnd());
        }
        return text.toString();
    }

    /** {@code x.tif.part} becomes {@code x.tif}, or {@code x.recovered.tif} if that exists. */
    private static Path finalName(Path data) {
        String name = data.getFileName().toString();
        String stem = name.substring(0, name.length() - PART.length());
        Path target = data.resolveSibling(stem + ".tif");
        for (int n = 1; Files.exists(target); n++) {
            target = data.resolveSibling(stem + ".recovered" + (n > 1 ? n : "") + ".tif");
        }
        return target;
    }

    private static void syncDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // best effort, as the core does: the data itself is forced
        }
    }
}
