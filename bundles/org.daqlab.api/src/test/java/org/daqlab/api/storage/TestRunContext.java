package org.daqlab.api.storage;

import org.apache.arrow.memory.BufferAllocator;
import org.daqlab.api.run.RunStart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stands in for the storage core in writer bundles' unit tests (shipped in this module's test jar):
 * files (and directories, {@link #createDirectory}) are {@code <stream>_s<segment>.<ext>} in a directory,
 * written under a {@code .part} suffix; every notice call and every file's row count is recorded.
 */
public final class TestRunContext implements RunContext {

    /** Every {@link #notice} call, in order, repeated ones included. */
    public final List<String> notices = new ArrayList<>();
    /** Files created, by final name. */
    public final Map<String, TestOutputFile> files = new LinkedHashMap<>();

    private final Path directory;
    private final RunStart run;
    private final int segment;
    private final BufferAllocator allocator;
    private final String writerName;

    /** A context for writer instance {@code writerName}. */
    public TestRunContext(Path directory, RunStart run, int segment, BufferAllocator allocator, String writerName) {
        this.directory = directory;
        this.run = run;
        this.segment = segment;
        this.allocator = allocator;
        this.writerName = writerName;
    }

    /** A context for a writer instance named {@code test-writer}. */
    public TestRunContext(Path directory, RunStart run, int segment, BufferAllocator allocator) {
        this(directory, run, segment, allocator, "test-writer");
    }

    @Override
    public RunStart run() {
        return run;
    }

    @Override
    public int segment() {
        return segment;
    }

    @Override
    public Map<String, Object> runMetadata() {
        return run.metadata();
    }

    @Override
    public Map<String, Object> configuration() {
        return Map.of("name", writerName());
    }

    @Override
    public String writerName() {
        return writerName;
    }

    @Override
    public BufferAllocator allocator() {
        return allocator;
    }

    @Override
    public OutputFile createFile(String stream, String extension) {
        String name = fileStem(stream) + "_s" + segment + "." + extension;
        TestOutputFile file = new TestOutputFile(directory.resolve(name + ".part"), directory.resolve(name), stream);
        files.put(name, file);
        return file;
    }

    /** Creates the directory {@code <stream>_s<segment>.<ext>.part}; the test renames it, if it wants, as the core would. */
    @Override
    public OutputFile createDirectory(String stream, String extension) throws IOException {
        String name = fileStem(stream) + "_s" + segment + "." + extension;
        TestOutputFile file = new TestOutputFile(directory.resolve(name + ".part"), directory.resolve(name), stream);
        Files.createDirectory(file.path());
        files.put(name, file);
        return file;
    }

    @Override
    public void notice(String message) {
        notices.add(message);
    }

    /** The temporary path of the file {@code <stream>_s<segment>.<ext>}. */
    public Path path(String stream, String extension) {
        return file(stream, extension).path();
    }

    /** The file {@code <stream>_s<segment>.<ext>}; fails the test if it was not created. */
    public TestOutputFile file(String stream, String extension) {
        TestOutputFile file = files.get(fileStem(stream) + "_s" + segment + "." + extension);
        if (file == null) {
            throw new AssertionError("no " + extension + " file was created for stream " + stream + "; files: " + files.keySet());
        }
        return file;
    }

    /** Files of a multi-stream writer ({@code stream == null}) are named after {@code run}. */
    private static String fileStem(String stream) {
        return stream == null ? "run" : stream;
    }

    /** An output file that counts the rows reported to it. */
    public static final class TestOutputFile implements OutputFile {
        private final Path path;
        private final Path finalPath;
        private final String stream;
        private long rows;

        TestOutputFile(Path path, Path finalPath, String stream) {
            this.path = path;
            this.finalPath = finalPath;
            this.stream = stream;
        }

        @Override
        public Path path() {
            return path;
        }

        @Override
        public Path finalPath() {
            return finalPath;
        }

        @Override
        public String stream() {
            return stream;
        }

        @Override
        public void addRows(long added) {
            rows += added;
        }

        public long rows() {
            return rows;
        }
    }
}
