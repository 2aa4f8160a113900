package org.daqlab.bench;

import org.apache.arrow.memory.BufferAllocator;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.storage.OutputFile;
import org.daqlab.api.storage.RunContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Stands in for the storage core around one run writer of the benchmark: one segment, one file (or
 * directory) at a given path. The core would write under a temporary name and rename at close; here the file is
 * written where it stays, because the rename is not the writer's cost.
 */
final class BenchRunContext implements RunContext {

    static final RunStart RUN = new RunStart("00000000-0000-4000-8000-00000000b5e1", 1_769_351_565_000_000_000L,
            "hdf5_bench", Map.of());

    private final Path file;
    private final BufferAllocator allocator;

    BenchRunContext(Path file, BufferAllocator allocator) {
        this.file = file;
        this.allocator = allocator;
    }

    @Override
    public RunStart run() {
        return RUN;
    }

    @Override
    public int segment() {
        return 1;
    }

    @Override
    public Map<String, Object> runMetadata() {
        return RUN.metadata();
    }

    @Override
    public Map<String, Object> configuration() {
        return Map.of();
    }

    @Override
    public String writerName() {
        return "hdf5-bench";
    }

    @Override
    public BufferAllocator allocator() {
        return allocator;
    }

    @Override
    public OutputFile createFile(String stream, String extension) {
        return new OutputFile() {
            @Override
            public Path path() {
                return file;
            }

            @Override
            public Path finalPath() {
                return file;
            }

            @Override
            public String stream() {
                return stream;
            }

            @Override
            public void addRows(long rows) {
                // the benchmark counts its own rows
            }
        };
    }

    /** The directory at the given path, created empty, where it stays (as {@link #createFile}'s file). */
    @Override
    public OutputFile createDirectory(String stream, String extension) throws IOException {
        Files.createDirectory(file);
        return createFile(stream, extension);
    }

    @Override
    public void notice(String message) {
        System.err.println("writer notice: " + message);
    }
}
