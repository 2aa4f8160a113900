package org.daqlab.core.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.storage.FileStats;
import org.daqlab.api.storage.OutputFile;
import org.daqlab.api.storage.RunContext;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One segment of a run for one writer: the {@link RunContext} handed to the writer, and the files
 * (and directories) it created. Files are written under {@value #TEMP_SUFFIX}; {@link #commit()}
 * makes them durable and renames them atomically.
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
     * Creates the output directory if needed, checks that it is writable and completes the commits
     * that a crash interrupted there ({@link CommitRecord}), before a writer opens a segment in it
     * and its own recovery looks for leftovers.
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
        CommitRecord.completeLeftovers(directory);
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
        return create(stream, extension, false);
    }

    @Override
    public OutputFile createDirectory(String stream, String extension) throws IOException {
        return create(stream, extension, true);
    }

    private OutputFile create(String stream, String extension, boolean isDirectory) throws IOException {
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
            if (isDirectory) {
                Files.createDirectory(temp);
            } else {
                Files.createFile(temp);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IOException("output file " + temp + " exists already (left over from a crash?): "
                    + "move it away or put {version} in file_name_template of writer '" + settings.name() + "'", e);
        }
        SegmentFile file = isDirectory ? new SegmentDirectory(temp, target, stream) : new SegmentFile(temp, target, stream);
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
     * Makes every file durable and renames it to its final name (after the writer closed it). A
     * {@link CommitRecord} written before the first rename and deleted after the last one lets the
     * next start finish the renames if the platform dies in between.
     *
     * @return the completed files
     */
    List<FileStats> commit() throws IOException {
        if (files.isEmpty()) {
            return List.of();
        }
        List<Path> finals = new ArrayList<>();
        for (SegmentFile f : files) {
            f.sync(f.temp);
            finals.add(f.target);
        }
        CommitRecord record = CommitRecord.write(directory, finals);
        List<FileStats> done = new ArrayList<>();
        for (SegmentFile f : files) {
            Files.move(f.temp, f.target, StandardCopyOption.ATOMIC_MOVE);
            done.add(new FileStats(f.target.toString(), f.stream, f.rows, f.finalSize()));
        }
        syncDirectory();
        record.delete();
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
        // Makes the renames durable
        forceDirectory(directory);
    }

    /** Forces a directory's entries to disk; best effort: not every file system supports opening a directory. */
    static void forceDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // the data itself is forced by whoever wrote it
        }
    }

    /** A file of this segment. */
    private static class SegmentFile implements OutputFile {
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

        /** Size of the completed file at {@link #target}. */
        long finalSize() throws IOException {
            return Files.size(target);
        }

        void sync(Path path) throws IOException {
            if (Files.exists(path)) {
                try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
        }
    }

    /**
     * A directory of this segment ({@link RunContext#createDirectory}): the writer forces the files
     * inside; the core forces the directory's entries, renames it and sizes it by walking the tree.
     */
    private static final class SegmentDirectory extends SegmentFile {
        /** A walk is repeated no sooner than this many times its own duration after it: at most ~2% of a thread. */
        private static final long WALK_SPACING = 50;
        private static final long MIN_AGE_NANOS = 250_000_000L;

        private long measuredBytes;
        private long measuredAt;
        private long walkNanos = -1;

        SegmentDirectory(Path temp, Path target, String stream) {
            super(temp, target, stream);
        }

        /**
         * The bytes in the directory's files, measured again only when the last measurement is older than
         * fifty times what it took (and 250 ms): a tree of 50,000 chunk files takes ~0.1 s to walk, and
         * the runner asks four times a second when rotation by size is on.
         */
        @Override
        synchronized long size() {
            long now = System.nanoTime();
            if (walkNanos < 0 || now - measuredAt >= Math.max(MIN_AGE_NANOS, WALK_SPACING * walkNanos)) {
                measuredBytes = bytesIn(temp);
                measuredAt = System.nanoTime();
                walkNanos = measuredAt - now;
            }
            return measuredBytes;
        }

        @Override
        long finalSize() {
            return bytesIn(target);
        }

        /** Forces the directory's entries (not its files'); best effort, as not every file system can. */
        @Override
        void sync(Path path) {
            forceDirectory(path);
        }

        /** Sum of the sizes of the regular files under {@code root}; files that vanish during the walk count 0. */
        private static long bytesIn(Path root) {
            long[] bytes = {0};
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                        bytes[0] += attributes.isRegularFile() ? attributes.size() : 0;
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        return FileVisitResult.CONTINUE; // a writer's temporary file renamed away meanwhile
                    }
                });
            } catch (IOException e) {
                return bytes[0];
            }
            return bytes[0];
        }
    }
}
