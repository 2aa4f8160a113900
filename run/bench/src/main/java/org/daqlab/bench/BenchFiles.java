package org.daqlab.bench;

import org.daqlab.api.ring.OverflowMode;
import org.daqlab.ringbuffer.internal.MappedRing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Files the benchmarks map: rings and baseline regions live in the same directory, so that they
 * are memory of the same kind. By default that is /dev/shm (where daqlab puts its ring by default),
 * else the Java temp directory; {@code -Ddaqlab.bench.dir=...} chooses another. Every file is
 * unlinked as soon as it is mapped (its memory lives as long as the mapping), so that a run that
 * fails leaves nothing behind.
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
    private static Path newPath(String prefix) {
        return directory().resolve(prefix + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet()
                + ".dat");
    }

    /** Maps {@code size} bytes (zero-filled) of a new file in {@link #directory()}, read-write. */
    static MappedByteBuffer mapNew(String prefix, long size) {
        Path file = newPath(prefix);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            buffer.order(ByteOrder.LITTLE_ENDIAN);
            return buffer;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map " + size + " bytes of " + file, e);
        } finally {
            delete(file);
        }
    }

    /** A new daqlab ring in {@link #directory()}. */
    static MappedRing newRing(String prefix, long capacityBytes, OverflowMode mode, Duration blockTimeout) {
        Path file = newPath(prefix);
        try {
            return MappedRing.create(file, capacityBytes, mode, blockTimeout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a ring at " + file, e);
        } finally {
            delete(file);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            System.err.println("could not delete " + file + ": " + e);
        }
    }

    /**
     * Installs the bench's pinned npm readers ({@code src/main/node}: package-lock.json) with {@code npm ci} unless
     * {@code needed} is there already.
     */
    static void installNodeReaders(Path node, String needed) throws IOException, InterruptedException {
        if (Files.isDirectory(node.resolve("node_modules").resolve(needed))) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(node.toFile())
                .redirectErrorStream(true).start();
        String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (npm.waitFor() != 0) {
            throw new IOException("npm ci in " + node + " failed (it needs the npm registry): " + output);
        }
    }
}
