package org.daqlab.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads the files a soak's writers completed with readers that share no code with the writers, and adds up the rows
 * they find per writer and stream: h5py, Python's csv module and tifffile ({@code python/soak_count.py}), apache-arrow,
 * DuckDB and zarrita ({@code node/soak_count.mjs}). A file is completed once the writer renamed it from its
 * {@code .part} name. A long soak deletes each file once it is counted, so that 30 minutes at half the disk's speed fit
 * on the disk; a short one keeps them.
 */
final class SoakFiles {

    private static final List<String> PYTHON_FORMATS = List.of(".h5", ".csv", ".tif");
    private static final List<String> NODE_FORMATS = List.of(".arrows", ".arrow", ".parquet", ".zarr");
    private static final long READ_TIMEOUT_SECONDS = 1800;

    private final Path python;
    private final Path node;
    private final Path scratch;
    private final List<String> streams;
    /** writer → stream → rows the readers found. */
    private final Map<String, Map<String, Long>> rows = new TreeMap<>();
    private final Set<Path> counted = new HashSet<>();
    private final List<String> errors = new ArrayList<>();
    private long bytes;

    /**
     * @param root    the repository (the reader scripts are under run/bench/src/main)
     * @param scratch where the readers' JSON answers go
     * @param streams the streams the platform publishes
     */
    SoakFiles(Path root, Path scratch, List<String> streams) throws IOException, InterruptedException {
        this.python = root.resolve("run/bench/src/main/python/soak_count.py");
        this.node = root.resolve("run/bench/src/main/node");
        this.scratch = Files.createDirectories(scratch);
        this.streams = List.copyOf(streams);
        BenchFiles.installNodeReaders(node, "apache-arrow");
    }

    /**
     * Counts every completed file of the run (names starting with {@code prefix}) in the writers' directories that
     * was not counted before.
     *
     * @param writerDirs each writer's output directory
     * @param delete     whether to delete each file (and its sidecar) once counted
     */
    synchronized void countCompleted(Map<String, Path> writerDirs, String prefix, boolean delete) throws IOException, InterruptedException {
        for (Map.Entry<String, Path> writer : writerDirs.entrySet()) {
            List<Path> forPython = new ArrayList<>();
            List<Path> forNode = new ArrayList<>();
            try (Stream<Path> entries = Files.list(writer.getValue())) {
                for (Path file : entries.sorted().toList()) {
                    String name = file.getFileName().toString();
                    if (!name.startsWith(prefix) || counted.contains(file)) {
                        continue;
                    }
                    if (PYTHON_FORMATS.stream().anyMatch(name::endsWith)) {
                        forPython.add(file);
                    } else if (NODE_FORMATS.stream().anyMatch(name::endsWith)) {
                        forNode.add(file);
                    }
                }
            }
            if (!forPython.isEmpty()) {
                read(writer.getKey(), forPython, List.of("nice", "-n", "10", "/usr/bin/python3", "-B", python.toString()));
            }
            if (!forNode.isEmpty()) {
                read(writer.getKey(), forNode, List.of("nice", "-n", "10", "node", node.resolve("soak_count.mjs").toString()),
                        String.join(",", streams));
            }
            for (Path file : concat(forPython, forNode)) {
                counted.add(file);
                bytes += size(file);
                if (delete) {
                    delete(file);
                }
            }
        }
    }

    /** writer → stream → rows found in its files so far. */
    synchronized Map<String, Map<String, Long>> rows() {
        Map<String, Map<String, Long>> copy = new TreeMap<>();
        rows.forEach((writer, perStream) -> copy.put(writer, new TreeMap<>(perStream)));
        return copy;
    }

    /** Files a reader could not read, with its message. */
    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    synchronized int filesCounted() {
        return counted.size();
    }

    synchronized long bytesCounted() {
        return bytes;
    }

    private void read(String writer, List<Path> files, List<String> reader, String... before) throws IOException, InterruptedException {
        Path answer = scratch.resolve(writer + "-counts.json");
        List<String> command = new ArrayList<>(reader);
        command.add(answer.toString());
        command.addAll(List.of(before));
        files.forEach(f -> command.add(f.toString()));
        Path output = scratch.resolve(writer + "-reader.log");
        Process p = new ProcessBuilder(command).directory(node.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!p.waitFor(READ_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command.get(3) + " did not read " + files.size() + " files of " + writer + " within "
                    + READ_TIMEOUT_SECONDS + " s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command.subList(0, 5)) + " … failed (" + p.exitValue() + "): "
                    + Files.readString(output, StandardCharsets.UTF_8));
        }
        for (JsonNode entry : SoakPlatform.JSON.readTree(answer.toFile()).path("files")) {
            String file = entry.path("file").asText();
            if (entry.has("error")) {
                errors.add(writer + ": " + file + ": " + entry.path("error").asText());
                continue;
            }
            Map<String, Long> perStream = rows.computeIfAbsent(writer, w -> new TreeMap<>());
            entry.path("streams").fields().forEachRemaining(e -> {
                String stream = e.getKey().isEmpty() ? streamOf(Path.of(file).getFileName().toString()) : e.getKey();
                perStream.merge(stream, e.getValue().asLong(), Long::sum);
            });
        }
    }

    /** The stream a one-stream file belongs to, from its name ({@code …_v1_adc0.csv}, {@code …_v1_adc0_0002.csv}). */
    String streamOf(String fileName) {
        return streams.stream().filter(s -> fileName.contains("_" + s + ".") || fileName.contains("_" + s + "_"))
                .max(Comparator.comparingInt(String::length)).orElse("?" + fileName);
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * Whether {@code name} is a file (or Zarr store) that a writer completed: one of the formats' names, not a
     * {@code .part} file nor a writer's journal or spool beside it ({@code ….h5.part.journal}), nor a CSV sidecar.
     */
    static boolean isCompleted(String name) {
        return PYTHON_FORMATS.stream().anyMatch(name::endsWith) || NODE_FORMATS.stream().anyMatch(name::endsWith);
    }

    /** Deletes a completed file (a Zarr store is a directory) and the CSV writer's JSON sidecar beside it. */
    static void delete(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            try (Stream<Path> tree = Files.walk(file)) {
                for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        } else {
            Files.delete(file);
        }
        String name = file.getFileName().toString();
        if (name.endsWith(".csv")) {
            Files.deleteIfExists(file.resolveSibling(name.substring(0, name.length() - 4) + ".json"));
        }
    }

    private static long size(Path file) throws IOException {
        if (!Files.isDirectory(file)) {
            return Files.size(file);
        }
        try (Stream<Path> tree = Files.walk(file)) {
            return tree.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }
}
