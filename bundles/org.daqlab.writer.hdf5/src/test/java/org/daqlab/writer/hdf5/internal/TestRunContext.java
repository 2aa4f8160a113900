package org.daqlab.writer.hdf5.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.storage.OutputFile;
import org.daqlab.api.storage.RunContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stands in for the storage core: files are {@code <stream>_s<segment>.<ext>} in a directory,
 * written under a {@code .part} suffix; every notice call and every file's row count is recorded.
 */
final class TestRunContext implements RunContext {

    /** Every {@link #notice} call, in order, repeated ones included. */
    final List<String> notices = new ArrayList<>();
    /** Files created, by final name. */
    final Map<String, TestOutputFile> files = new LinkedHashMap<>();

    private final Path directory;
    private final RunStart run;
    private final int segment;
    private final BufferAllocator allocator;

    TestRunContext(Path directory, RunStart run, int segment, BufferAllocator allocator) {
        this.directory = directory;
        this.run = run;
        this.segment = segment;
        this.allocator = allocator;
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
        return "hdf5-test";
    }

    @Override
    public BufferAllocator allocator() {
        return allocator;
    }

    @Override
    public OutputFile createFile(String stream, String extension) {
        String name = (stream == null ? "run" : stream) + "_s" + segment + "." + extension;
        TestOutputFile file = new TestOutputFile(directory.resolve(name + ".part"), directory.resolve(name), stream);
        files.put(name, file);
        return file;
    }

    @Override
    public void notice(String message) {
        notices.add(message);
    }

    /** The temporary path of the file {@code <stream>_s<segment>.<ext>}. */
    Path path(String stream, String extension) {
        return file(stream, extension).path();
    }

    /** The file {@code <stream>_s<segment>.<ext>}; fails the test if it was not created. */
    TestOutputFile file(String stream, String extension) {
        TestOutputFile file = files.get((stream == null ? "run" : stream) + "_s" + segment + "." + extension);
        if (file == null) {
            throw new AssertionError("no " + extension + " file was created for stream " + stream + "; files: " + files.keySet());
        }
        return file;
    }

    /** An output file that counts the rows reported to it. */
    static final class TestOutputFile implements OutputFile {
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

        long rows() {
            return rows;
        }
    }
}
