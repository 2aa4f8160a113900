package org.daqlab.core.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.daqlab.api.ring.OverflowMode;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.storage.FileStats;
import org.daqlab.api.storage.StorageWriter;
import org.daqlab.api.storage.WriterStats;
import org.daqlab.ringbuffer.internal.MappedRing;
import org.osgi.framework.BundleContext;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A {@link StorageCore} as Declarative Services would run it, on a real ring file and a real root
 * allocator, writing under {@code <work>/data}. Closing it deactivates the core and then closes the
 * root allocator, which fails the test if the core or the test leaked Arrow memory.
 */
final class CoreFixture implements AutoCloseable {

    /** Large enough that no test fills it; BLOCK so that a slow writer can never lose records. */
    static final long RING_CAPACITY = 8L << 20;
    /** Bounds every wait of the core (stop, flush, unbind), so a hanging writer fails the test instead of the build. */
    static final int STOP_TIMEOUT_SECS = 20;

    final MappedRing ring;
    final StorageCore core;
    final Path outputDir;
    /** For the tests' own batches. */
    final BufferAllocator allocator;
    private final RootAllocator root = new RootAllocator();
    private boolean deactivated;

    CoreFixture(Path workDir) throws IOException {
        this(workDir, RING_CAPACITY);
    }

    CoreFixture(Path workDir, long ringCapacityBytes) throws IOException {
        this(workDir, ringCapacityBytes, Map.of());
    }

    /** @param coreSettings configuration of the core beyond the fixture's own (keys as in {@link CoreConfig}) */
    CoreFixture(Path workDir, Map<String, Object> coreSettings) throws IOException {
        this(workDir, RING_CAPACITY, coreSettings);
    }

    private CoreFixture(Path workDir, long ringCapacityBytes, Map<String, Object> coreSettings) throws IOException {
        ring = MappedRing.create(workDir.resolve("ring.dat"), ringCapacityBytes, OverflowMode.BLOCK, Duration.ofSeconds(STOP_TIMEOUT_SECS));
        outputDir = workDir.resolve("data");
        core = new StorageCore(ring, root);
        allocator = root.newChildAllocator("test-batches", 0, Long.MAX_VALUE);
        // every registered test writer runs, whatever its format
        Map<String, Object> config = new HashMap<>(Map.of("stop_timeout_secs", STOP_TIMEOUT_SECS, "default_backend", ""));
        config.putAll(coreSettings);
        core.activate(bundleContext(Map.of(StorageCore.OUTPUT_DIR_PROPERTY, outputDir.toString())), coreConfig(config));
    }

    /** Registers a {@link RecordingWriter} named {@code name} with the given writer settings (service properties). */
    RecordingWriter bindWriter(String name, Map<String, Object> settings) {
        RecordingWriter writer = new RecordingWriter();
        bindWriter(writer, name, settings);
        return writer;
    }

    void bindWriter(StorageWriter writer, String name, Map<String, Object> settings) {
        Map<String, Object> properties = new HashMap<>(settings);
        properties.put(StorageWriter.NAME, name);
        properties.put("component.name", "test.writer." + name);
        core.bindWriter(writer, properties);
    }

    WriterStats stats(String writerName) {
        return core.writers().stream().filter(w -> w.name().equals(writerName)).findFirst()
                .orElseThrow(() -> new AssertionError("no statistics for writer '" + writerName + "' in " + core.writers()));
    }

    /** Files under the output directory still carrying the temporary suffix. */
    List<Path> temporaryFiles() throws IOException {
        if (!Files.exists(outputDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(outputDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(Segment.TEMP_SUFFIX)).toList();
        }
    }

    /** The file names (without directory) of a writer's completed files, in the order they were completed. */
    static List<String> fileNames(WriterStats stats) {
        return stats.completedFiles().stream().map(f -> Path.of(f.path()).getFileName().toString()).toList();
    }

    /** The rows of every completed file of a {@link RecordingWriter}, file after file. */
    static List<Long> rowsInFiles(WriterStats stats) throws IOException {
        List<Long> rows = new ArrayList<>();
        for (FileStats file : stats.completedFiles()) {
            rows.addAll(RecordingWriter.rowsIn(Path.of(file.path())));
        }
        return rows;
    }

    /**
     * How the default template begins the names of a run's files: experiment, then the start's
     * local date and time.
     */
    static String namePrefix(RunStart run) {
        return run.name() + "_" + DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss")
                .format(Instant.ofEpochSecond(0, run.timestampNs()).atZone(ZoneId.systemDefault()));
    }

    /** As at framework shutdown; closing the fixture afterwards does not deactivate again. */
    void deactivate() {
        if (!deactivated) {
            deactivated = true;
            core.deactivate();
        }
    }

    @Override
    public void close() {
        try {
            deactivate();
        } finally {
            ring.close();
            allocator.close();
            root.close();
        }
    }

    /** A bundle context whose only use by the core, framework properties, reads {@code properties}. */
    private static BundleContext bundleContext(Map<String, String> properties) {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getProperty")) {
                        return properties.get((String) args[0]);
                    }
                    throw new UnsupportedOperationException("the storage core is not expected to call BundleContext." + method.getName());
                });
    }

    /**
     * A configuration as SCR makes it: a key is the attribute name with each {@code __} read as
     * {@code _}; absent keys take the attribute's default.
     */
    private static CoreConfig coreConfig(Map<String, Object> properties) {
        return (CoreConfig) Proxy.newProxyInstance(CoreConfig.class.getClassLoader(), new Class<?>[] {CoreConfig.class},
                (proxy, method, args) -> properties.getOrDefault(method.getName().replace("__", "_"), method.getDefaultValue()));
    }
}
