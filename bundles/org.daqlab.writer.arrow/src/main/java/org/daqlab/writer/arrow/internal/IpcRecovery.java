package org.daqlab.writer.arrow.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.storage.Leftovers;
import org.daqlab.api.storage.OwnOutputs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Completes the Arrow files of segments that never closed (the JVM was killed, the machine lost
 * power): each {@code <name>.arrows.part} and {@code <name>.arrow.part} that no live writer holds
 * locked is completed in place ({@link IpcCompletion}: a partial message at its end is cut off, the
 * end-of-stream marker and, for the file format, the footer are written) and renamed to its final
 * name; its metadata sidecar ({@code <name>.json.part}) is renamed with it. Every outcome is logged
 * and reported in the writer's status. Nothing is deleted: a file that cannot be completed (no
 * complete schema) keeps its name and is reported.
 */
final class IpcRecovery {

    private static final String PART = ".part";
    private static final String SIDECAR = ".json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private IpcRecovery() {
    }

    /**
     * The unfinished data files in {@code directory}, and sidecars whose data file is no longer
     * unfinished; not the files this JVM's writers created ({@link OwnOutputs}).
     */
    static List<Path> leftovers(Path directory) throws IOException {
        return Leftovers.find(directory, "*" + PART, part -> {
            String name = part.getFileName().toString();
            if (OwnOutputs.contains(part)) {
                return null;
            }
            // a sidecar whose data file was renamed before the crash, when the sidecar was not
            return format(name) != null || isSidecar(name) && !Files.exists(dataOf(part)) ? part : null;
        });
    }

    /** Recovers every leftover of {@code directory} in the background, reporting each outcome to {@code report}. */
    static void recoverAll(Path directory, Executor background, Consumer<String> report) {
        Leftovers.recoverInBackground("Arrow file", directory, IpcRecovery::leftovers,
                IpcRecovery::recover, "it is kept as it is", background, report);
    }

    /**
     * Completes and renames one leftover (a data file with its sidecar, or a sidecar alone).
     *
     * @return what was recovered, or {@code null} if a live writer owns the file
     * @throws IOException if it cannot be recovered (nothing is deleted then)
     */
    static String recover(Path part) throws IOException {
        String name = part.getFileName().toString();
        IpcFormat format = format(name);
        if (format == null) {
            Path target = finalName(part, null);
            checkJson(part);
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            return "recovered the metadata sidecar " + target.getFileName() + " of a segment that did not close";
        }
        IpcCompletion.Completed completed;
        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock lock = tryLock(channel)) {
            if (lock == null) {
                return null;
            }
            completed = IpcCompletion.complete(channel, format, Map.of(SegmentMetadata.RECOVERED,
                    JSON.createObjectNode().put("time", Instant.now().toString()).toString()));
        }
        Path target = finalName(part, format);
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        String sidecarNote = "";
        Path sidecar = part.resolveSibling(name.substring(0, name.length() - PART.length()) + SIDECAR + PART);
        if (Files.exists(sidecar)) {
            Path sidecarTarget = target.resolveSibling(target.getFileName() + SIDECAR);
            checkJson(sidecar);
            Files.move(sidecar, sidecarTarget, StandardCopyOption.ATOMIC_MOVE);
            sidecarNote = ", with its metadata sidecar " + sidecarTarget.getFileName();
        }
        return describe(target, completed) + sidecarNote;
    }

    private static String describe(Path target, IpcCompletion.Completed completed) {
        IpcCompletion.Scan scan = completed.scan();
        String stream = scan.schema().getCustomMetadata().get(StreamSchemas.STREAM);
        StringBuilder text = new StringBuilder("recovered ").append(target.getFileName())
                .append(" of a segment that did not close");
        if (stream != null) {
            text.append(" (stream '").append(stream).append("')");
        }
        text.append(": ").append(scan.batches().size()).append(" record batches, ").append(scan.rows()).append(" rows");
        if (!completed.changed()) {
            text.append("; it was complete already and is only renamed");
        } else if (scan.cutBytes() > 0) {
            text.append("; ").append(scan.cutBytes()).append(" bytes after the last complete batch were cut off (")
                    .append(scan.stoppedBecause() == null ? "an end marker without its footer" : scan.stoppedBecause())
                    .append(")");
        }
        return text.toString();
    }

    private static void checkJson(Path sidecar) throws IOException {
        try {
            JSON.readTree(sidecar.toFile());
        } catch (IOException e) {
            throw new IOException("the metadata sidecar " + sidecar + " is not valid JSON (" + e.getMessage() + ")", e);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException ownedByThisJvm) {
            return null;
        }
    }

    /** The format of a data file's temporary name, or {@code null} if it is none of ours. */
    private static IpcFormat format(String partName) {
        for (IpcFormat format : IpcFormat.values()) {
            if (partName.endsWith("." + format.extension() + PART)) {
                return format;
            }
        }
        return null;
    }

    private static boolean isSidecar(String partName) {
        for (IpcFormat format : IpcFormat.values()) {
            if (partName.endsWith("." + format.extension() + SIDECAR + PART)) {
                return true;
            }
        }
        return false;
    }

    /** {@code x.arrows.json.part} → {@code x.arrows.part}. */
    private static Path dataOf(Path sidecarPart) {
        String name = sidecarPart.getFileName().toString();
        return sidecarPart.resolveSibling(name.substring(0, name.length() - (SIDECAR + PART).length()) + PART);
    }

    /**
     * {@code x.arrows.part} becomes {@code x.arrows}, or {@code x.recovered.arrows} if that exists;
     * a sidecar ({@code format} null) just loses {@code .part}, or gets {@code .recovered} likewise.
     */
    private static Path finalName(Path part, IpcFormat format) {
        String name = part.getFileName().toString();
        String base = name.substring(0, name.length() - PART.length());
        String extension = format == null ? base.substring(base.lastIndexOf('.', base.length() - SIDECAR.length() - 1))
                : "." + format.extension();
        String stem = base.substring(0, base.length() - extension.length());
        Path target = part.resolveSibling(base);
        for (int n = 1; Files.exists(target); n++) {
            target = part.resolveSibling(stem + ".recovered" + (n > 1 ? n : "") + extension);
        }
        return target;
    }
}
