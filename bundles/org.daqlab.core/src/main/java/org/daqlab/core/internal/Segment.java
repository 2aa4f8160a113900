package org.daqlab.core.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.storage.FileStats;
import org.daqlab.api.storage.OutputFile;
import org.daqlab.api.storage.RunContext;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One segment of a run for one writer: the {@link RunContext} handed to the writer, and the files
 * it created. Files are written under {@value #TEMP_SUFFIX}; {@link #commit()} makes them durable
 * and renames them atomically.
 */
final class Segment implements RunContext {

    static final String TEMP_SUFFIX = ".part";

    private final RunStart run;
    private final int number;
    private final Map<String, Object> runMetadata;
    private final WriterSettings settings;
    private final Path directory;
    private final int version;
    private final BufferAllocator allocator;
    private final Consumer<String> notices;
    private final List<SegmentFile> files = new CopyOnWriteArrayList<>();
    private final long openedNanos = System.nanoTime();

    Segment(RunStart run, int number, Map<String, Object> runMetadata, WriterSettings settings, Path directory,
            int version, BufferAllocator allocator, Consumer<String> notices) {
        this.run = run;
        this.number = number;
        this.runMetadata = Map.copyOf(runMetadata);
        this.settings = settings;
        this.directory = directory;
        this.version = version;
        this.allocator = allocator;
        this.notices = notices;
    }

    /**
     * Creates the output directory if needed and checks that it is writable.
     *
     * @throws IOException naming the directory, the writer and the configuration to change
     */
    static Path prepareDirectory(Path directory, WriterSettings settings) throws IOException {
        String fix = ". Fix: set output_dir of writer '" + settings.name() + "' (configuration " + settings.pid()
                + ") or the platform's output directory (--output, daqlab.output.dir) to a writable directory";
        try {
            Files.createDirectories(directory);
        } catch (AccessDeniedException e) {
            throw new IOException("cannot create output directory " + directory + ": permission denied" + fix, e);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("output directory " + directory + " is a file, not a directory" + fix, e);
        } catch (IOException e) {
            throw new IOException("cannot create output directory " + directory + ": " + e + fix, e);
        }
        if (!Files.isWritable(directory)) {
            throw new IOException("output directory " + directory + " is not writable" + fix);
        }
        return directory;
    }

    @Override
    public RunStart run() {
        return run;
    }

    @Override
    public int segment() {
        return number;
    }

    @Override
    public Map<String, Object> runMetadata() {
        return runMetadata;
    }

    @Override
    public Map<String, Object> configuration() {
        return settings.properties();
    }

    @Override
    public String writerName() {
        return settings.name();
    }

    @Override
    public BufferAllocator allocator() {
        return allocator;
    }

    @Override
    public OutputFile createFile(String stream, String extension) throws IOException {
        if (extension == null || !extension.matches("[A-Za-z0-9]+(\\.[A-Za-z0-9]+)*")) {
            throw new IllegalArgumentException("file extension '" + extension + "' must be letters and digits, like 'csv'");
        }
        Map<String, String> values = FileNameTemplate.runValues(run.name(), run.uid(), run.timestampNs(), settings.name());
        String name = settings.template().fileName(values, version, stream, number, settings.rotates(), extension);
        Path target = directory.resolve(name);
        Path temp = directory.resolve(name + TEMP_SUFFIX);
        if (Files.exists(target)) {
            throw new IOException("output file " + target + " already exists and will not be overwritten: "
                    + "put {version} in file_name_template of writer '" + settings.name() + "' or choose another output_dir");
        }
        try {
            Files.createFile(temp);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("output file " + temp + " exists already (left over from a crash?): "
                    + "move it away or put {version} in file_name_template of writer '" + settings.name() + "'", e);
        }
        SegmentFile file = new SegmentFile(temp, target, stream);
        files.add(file);
        return file;
    }

    @Override
    public void notice(String message) {
        notices.accept(message);
    }

    /** Temporary paths of the files being written. */
    List<String> currentFiles() {
        List<String> out = new ArrayList<>();
        for (SegmentFile f : files) {
            out.add(f.temp.toString());
        }
        return out;
    }

    /** Bytes in the segment's files now. */
    long bytesOnDisk() {
        long total = 0;
        for (SegmentFile f : files) {
            total += f.size();
        }
        return total;
    }

    /** Seconds since the segment opened. */
    double ageSeconds() {
        return (System.nanoTime() - openedNanos) / 1e9;
    }

    /** Makes every file's content durable (after the writer flushed its buffers). */
    void sync() throws IOException {
        for (SegmentFile f : files) {
            f.sync(f.temp);
        }
    }

    /**
     * Makes every file durable and renames it to its final name (after the writer closed it).
     *
     * @return the completed files
     */
    List<FileStats> commit() throws IOException {
        List<FileStats> done = new ArrayList<>();
        for (SegmentFile f : files) {
            f.sync(f.temp);
            Files.move(f.temp, f.target, StandardCopyOption.ATOMIC_MOVE);
            done.add(new FileStats(f.target.toString(), f.stream, f.rows, Files.size(f.target)));
        }
        syncDirectory();
        files.clear();
        return done;
    }

    /** Rows written per file so far, keyed by temporary path (for a failed segment's report). */
    Map<String, Long> rowsByFile() {
        Map<String, Long> out = new LinkedHashMap<>();
        files.forEach(f -> out.put(f.temp.toString(), f.rows));
        return out;
    }

    private void syncDirectory() {
        // Makes the renames durable; not every file system supports opening a directory.
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // best effort: the data itself is already forced
        }
    }

    /** A file of this segment. */
    private static final class SegmentFile implements OutputFile {
        final Path temp;
        final Path target;
        final String stream;
        volatile long rows;

        SegmentFile(Path temp, Path target, String stream) {
            this.temp = temp;
            this.target = target;
            this.stream = stream;
        }

        @Override
        public Path path() {
            return temp;
        }

        @Override
        public Path finalPath() {
            return target;
        }

        @Override
        public String stream() {
            return stream;
        }

        @Override
        public void addRows(long n) {
            rows += n;
        }

        long size() {
            try {
                return Files.size(temp);
            } catch (IOException e) {
                return 0;
            }
        }

        void sync(Path path) throws IOException {
            if (Files.exists(path)) {
                try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
        }
    }
}
