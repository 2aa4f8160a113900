package org.daqlab.writer.zarr.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.storage.Leftovers;
import org.daqlab.api.storage.OwnOutputs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Gives the stores of segments that never closed (the JVM was killed, the machine lost power, the
 * disk filled up) their final name: each {@code <name>.zarr.part} that no live writer holds. Such a
 * store is consistent up to its last flush already (array shapes cover only durable chunks), so
 * recovery only tidies it: temporary files of replacements that were under way are removed, the
 * arrays of a group that a crash during a flush's metadata updates left at different lengths are cut
 * to the shortest (their rows beyond stay in the chunks, unused), the root group records the
 * recovery, and the store is renamed. Every outcome is logged and reported in the writer's status;
 * a directory that is no Zarr store keeps its name and is reported.
 */
final class StoreRecovery {

    static final String SUFFIX = ".zarr.part";

    private StoreRecovery() {
    }

    /** The unfinished stores in {@code directory}, but those this JVM's writers created ({@link OwnOutputs}). */
    static List<Path> leftovers(Path directory) throws IOException {
        return Leftovers.find(directory, "*" + SUFFIX,
                part -> Files.isDirectory(part) && !OwnOutputs.contains(part) ? part : null);
    }

    /** Recovers every leftover of {@code directory} in the background, reporting each outcome to {@code report}. */
    static void recoverAll(Path directory, Executor background, ObjectMapper mapper, Consumer<String> report) {
        Leftovers.recoverInBackground("Zarr store", directory, StoreRecovery::leftovers,
                leftover -> recover(leftover, mapper), "it is kept as it is", background, report);
    }

    /**
     * Tidies and renames one leftover store.
     *
     * @return what was recovered, or {@code null} if a live writer holds the store
     * @throws IOException if it cannot be recovered (it is left as it is then, but for removed temporary files)
     */
    static String recover(Path part, ObjectMapper mapper) throws IOException {
        boolean v3 = Files.isRegularFile(part.resolve("zarr.json"));
        if (!v3 && !Files.isRegularFile(part.resolve(".zgroup"))) {
            throw new IOException("it has no root group metadata (zarr.json or .zgroup), so it is no Zarr store of a "
                    + "daqlab writer");
        }
        try (FileChannel channel = FileChannel.open(part.resolve(Store.LOCK), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = tryLock(channel)) {
            if (lock == null) {
                return null;
            }
            int removed = removeTemporaryFiles(part);
            List<String> streams = new ArrayList<>();
            int cut = 0;
            try (DirectoryStream<Path> children = Files.newDirectoryStream(part, Files::isDirectory)) {
                List<Path> groups = new ArrayList<>();
                children.forEach(groups::add);
                groups.sort(null);
                for (Path group : groups) {
                    GroupRows rows = equalize(group, v3, mapper);
                    if (rows != null) {
                        streams.add("'" + group.getFileName() + "' " + rows.rows + " rows");
                        cut += rows.cut;
                    }
                }
            }
            markRecovered(part, v3, mapper, removed);
            Path target = finalName(part);
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(target.resolve(Store.LOCK));
            StringBuilder text = new StringBuilder("recovered the Zarr store ").append(target.getFileName())
                    .append(" of a segment that did not close, with every row of its last flush: ")
                    .append(streams.isEmpty() ? "no streams" : String.join(", ", streams));
            if (cut > 0) {
                text.append("; ").append(cut).append(" arrays were cut to the length of their group (a crash during a flush)");
            }
            if (removed > 0) {
                text.append("; ").append(removed).append(" temporary files of unfinished writes were removed");
            }
            return text.toString();
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException ownedByThisJvm) {
            return null;
        }
    }

    /** Removes {@code .<name>.tmp} files: replacements under way at the crash, never renamed into place. */
    private static int removeTemporaryFiles(Path store) throws IOException {
        List<Path> temporary;
        try (Stream<Path> files = Files.walk(store)) {
            temporary = files.filter(f -> {
                String name = f.getFileName().toString();
                return name.startsWith(".") && name.endsWith(Store.TEMP) && Files.isRegularFile(f);
            }).toList();
        }
        for (Path file : temporary) {
            Files.delete(file);
        }
        return temporary.size();
    }

    private record GroupRows(long rows, int cut) {
    }

    /**
     * The rows of a stream's group, after cutting its arrays to the shortest; {@code null} if the
     * directory is no group.
     */
    private static GroupRows equalize(Path group, boolean v3, ObjectMapper mapper) throws IOException {
        if (!Files.isRegularFile(group.resolve(v3 ? "zarr.json" : ".zgroup"))) {
            return null;
        }
        Map<Path, ObjectNode> arrays = new TreeMap<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(group, Files::isDirectory)) {
            for (Path array : children) {
                Path metadata = array.resolve(v3 ? "zarr.json" : ".zarray");
                if (Files.isRegularFile(metadata)) {
                    arrays.put(metadata, (ObjectNode) mapper.readTree(metadata.toFile()));
                }
            }
        }
        long rows = arrays.values().stream().mapToLong(a -> a.get("shape").get(0).asLong()).min().orElse(0);
        int cut = 0;
        for (Map.Entry<Path, ObjectNode> array : arrays.entrySet()) {
            ArrayNode shape = (ArrayNode) array.getValue().get("shape");
            if (shape.get(0).asLong() != rows) {
                shape.set(0, rows);
                Store.replaceFile(array.getKey(), ByteBuffer.wrap(mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(array.getValue())));
                cut++;
            }
        }
        return new GroupRows(rows, cut);
    }

    /** Adds {@code recovered} (when, temporary files removed) to the root group's attributes. */
    private static void markRecovered(Path store, boolean v3, ObjectMapper mapper, int removed) throws IOException {
        Path file = store.resolve(v3 ? "zarr.json" : ".zattrs");
        ObjectNode document = Files.isRegularFile(file) ? (ObjectNode) mapper.readTree(file.toFile()) : mapper.createObjectNode();
        ObjectNode attributes = v3 ? (ObjectNode) document.get("attributes") : document;
        if (attributes == null) {
            attributes = document.putObject("attributes");
        }
        long now = StreamSchemas.timestampNs(Instant.now());
        attributes.putObject("recovered").put("time", Attributes.isoTime(now)).put("time_ns", now)
                .put("temporary_files_removed", removed);
        Store.replaceFile(file, ByteBuffer.wrap(mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(document)));
    }

    /** {@code x.zarr.part} becomes {@code x.zarr}, or {@code x.recovered.zarr} (…2, …) if that exists. */
    private static Path finalName(Path part) {
        String name = part.getFileName().toString();
        String stem = name.substring(0, name.length() - SUFFIX.length());
        Path target = part.resolveSibling(stem + ".zarr");
        for (int n = 1; Files.exists(target); n++) {
            target = part.resolveSibling(stem + ".recovered" + (n > 1 ? n : "") + ".zarr");
        }
        return target;
    }
}
