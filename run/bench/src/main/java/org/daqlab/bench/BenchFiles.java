package org.daqlab.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Files the benchmarks map: rings and baseline regions live in the same directory, so that they
 * are memory of the same kind. By default that is /dev/shm (where daqlab puts its ring by default),
 * else the Java temp directory; {@code -Ddaqlab.bench.dir=...} chooses another.
 */
final class BenchFiles {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private BenchFiles() {
    }

    static Path directory() {
        String configured = System.getProperty("daqlab.bench.dir");
        Path base;
        if (configured != null && !configured.isBlank()) {
            base = Path.of(configured);
        } else if (Files.isDirectory(Path.of("/dev/shm"))) {
            base = Path.of("/dev/shm", "daqlab-bench");
        } else {
            base = Path.of(System.getProperty("java.io.tmpdir"), "daqlab-bench");
        }
        try {
            return Files.createDirectories(base);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the benchmark directory " + base, e);
        }
    }

    /** A fresh file name in {@link #directory()}; nothing is created. */
    static Path newPath(String prefix) {
        return directory().resolve(prefix + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet()
                + ".dat");
    }

    /** Creates a file of {@code size} bytes (sparse, zero-filled) and maps it read-write. */
    static MappedByteBuffer mapNew(Path file, long size) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            buffer.order(ByteOrder.LITTLE_ENDIAN);
            return buffer;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map " + size + " bytes of " + file, e);
        }
    }

    static void delete(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            System.err.println("could not delete " + file + ": " + e);
        }
    }
}
