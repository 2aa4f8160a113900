package org.daqlab.ringbuffer.internal;

import org.daqlab.api.ring.OverflowMode;
import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingBuffer;
import org.daqlab.api.ring.RingClaim;
import org.daqlab.api.ring.RingReader;
import org.daqlab.api.ring.RingStats;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Publishes the framework's {@link RingBuffer}: a {@link MappedRing} created at activation (replacing
 * the previous file) and closed at deactivation. A configuration change re-creates it. Invalid
 * configuration values never keep the ring from starting: each is logged once, replaced by its
 * default and reported in {@link RingStats#configurationError()}.
 */
@Component(configurationPid = RingBufferComponent.PID, service = RingBuffer.class)
@Designate(ocd = RingBufferComponent.Config.class)
public final class RingBufferComponent implements RingBuffer {

    static final String PID = "org.daqlab.ringbuffer";
    /** Framework property (set by {@code run/daqlab --ring}) for the ring file when path is not configured. */
    static final String PATH_PROPERTY = "daqlab.ring.path";
    static final int DEFAULT_CAPACITY_MB = 256;
    /** 1 TiB: far beyond any machine here; the file is sparse and mapped in 1 GiB segments. */
    static final int MAX_CAPACITY_MB = 1 << 20;
    static final long DEFAULT_BLOCK_TIMEOUT_MS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(RingBufferComponent.class);

    /**
     * The ring buffer's configuration. The configuration keys are {@code path}, {@code capacity_mb},
     * {@code overflow_mode} and {@code block_timeout_ms}: DS maps a double underscore in a method
     * name to one underscore in the key (a single one would become a dot).
     */
    @ObjectClassDefinition(
            name = "daqlab Ring buffer",
            description = "The memory-mapped ring buffer through which every record flows from instruments to"
                    + " writers and live views; other processes can read it from its file. Changing the"
                    + " configuration re-creates the ring: records still in it are dropped.")
    public @interface Config {

        @AttributeDefinition(
                name = "File path",
                description = "The memory-mapped ring file. Empty (the default) means the framework property"
                        + " daqlab.ring.path (run/daqlab --ring) if set, else /dev/shm/daqlab/ring.dat"
                        + " where /dev/shm exists, else daqlab/ring.dat in the Java temp directory. Must lie in a"
                        + " writable directory with room for the whole file (capacity + 4 KiB); an existing file"
                        + " is replaced at start. If it is unusable, the default location is used.")
        String path() default "";

        @AttributeDefinition(
                name = "Capacity (MB)",
                description = "Size of the ring's data region in MiB: 1 to 1024, or a multiple of 1024 up to"
                        + " 1048576 (rings above 1024 MiB are mapped in 1 GiB segments). A record may take up to half of it, and at most 1 GiB. The"
                        + " larger it is, the longer a slow reader may lag before it loses records; the file"
                        + " system of the path needs room for all of it.",
                min = "1",
                max = "1048576")
        int capacity__mb() default DEFAULT_CAPACITY_MB;

        @AttributeDefinition(
                name = "Overflow mode",
                description = "What a producer does when the ring is full: DISCARD_OLDEST overwrites the oldest"
                        + " records (a reader that falls behind loses records and counts them); BLOCK waits for"
                        + " the slowest reader, at most the block timeout.",
                options = {
                        @Option(label = "Discard oldest (producers never wait)", value = "DISCARD_OLDEST"),
                        @Option(label = "Block (wait for the slowest reader)", value = "BLOCK")
                })
        OverflowMode overflow__mode() default OverflowMode.DISCARD_OLDEST;

        @AttributeDefinition(
                name = "Block timeout (ms)",
                description = "In BLOCK mode, how long a producer waits for the slowest reader before it"
                        + " overwrites anyway (each time is counted as a block timeout); a reader that made it time"
                        + " out is not waited for again until it reads on. 0 or more; 0 never waits.",
                min = "0")
        long block__timeout__ms() default DEFAULT_BLOCK_TIMEOUT_MS;
    }

    /** Where the ring file goes when no path is configured (or it is unusable), in order of preference. */
    private final List<Path> defaultPaths;
    private volatile MappedRing ring;
    private volatile String configurationError;

    /** For DS: the default locations are /dev/shm (where it exists), then the Java temp directory. */
    public RingBufferComponent() {
        this(defaultPaths());
    }

    RingBufferComponent(List<Path> defaultPaths) {
        this.defaultPaths = List.copyOf(defaultPaths);
    }

    private static List<Path> defaultPaths() {
        List<Path> paths = new ArrayList<>();
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm)) {
            paths.add(shm.resolve("daqlab").resolve("ring.dat"));
        }
        // Also the fallback when /dev/shm is too small (containers often give it 64 MB).
        paths.add(Path.of(System.getProperty("java.io.tmpdir"), "daqlab", "ring.dat"));
        return paths;
    }

    @Activate
    void activate(Config config, Map<String, Object> properties, BundleContext context) throws IOException {
        RingSettings settings = RingSettings.validate(config, properties);
        String launcherPath = context == null ? null : context.getProperty(PATH_PROPERTY);
        if (settings.path().isEmpty() && launcherPath != null && !launcherPath.isBlank()) {
            settings = settings.withPath(Path.of(launcherPath));
        }
        List<String> errors = new ArrayList<>(settings.errors());
        try {
            ring = createRing(settings, errors);
        } finally {
            if (!errors.isEmpty()) {
                configurationError = String.join(" ", errors);
                LOG.error(configurationError);
            }
        }
        LOG.info("Ring buffer ready: {} ({} MiB, {}, block timeout {} ms)", ring.stats().path(),
                settings.capacityBytes() >> 20, settings.overflowMode(), settings.blockTimeout().toMillis());
    }

    /** Creates the ring at the configured path, else at the first usable default location. */
    private MappedRing createRing(RingSettings settings, List<String> errors) throws IOException {
        Set<Path> distinct = new LinkedHashSet<>();
        settings.path().ifPresent(distinct::add);
        distinct.addAll(defaultPaths);
        List<Path> candidates = List.copyOf(distinct);
        String configured = settings.path().map(Path::toString).orElse("");
        for (int i = 0; i < candidates.size(); i++) {
            Path candidate = candidates.get(i);
            try {
                return MappedRing.create(candidate, settings.capacityBytes(), settings.overflowMode(),
                        settings.blockTimeout());
            } catch (IOException unusable) {
                errors.add("Configuration " + PID + ": path = " + RingSettings.quoted(configured)
                        + (settings.path().equals(Optional.of(candidate)) ? "" : ", default location " + candidate)
                        + " is not usable: " + unusable + " (valid: a file in a writable directory with room for "
                        + (settings.capacityBytes() + RingLayout.HEADER_SIZE) + " bytes, or empty for the default"
                        + " location). Fix: set path to such a file, free space there, or lower capacity_mb. "
                        + (i + 1 < candidates.size() ? "Trying " + candidates.get(i + 1) + " instead."
                                : "No location is left: the ring cannot start."));
            }
        }
        throw new IOException("no usable location for the ring file of " + PID + ": " + candidates);
    }

    @Deactivate
    void deactivate() {
        // Dropping the reference is what unmaps the file (once the readers are gone too); the file
        // itself stays for processes that still read it.
        ring.close();
        ring = null;
    }

    private MappedRing ring() {
        MappedRing current = ring;
        if (current == null) {
            throw new IllegalStateException("the ring buffer component " + PID + " is not active");
        }
        return current;
    }

    @Override
    public long publish(RecordType type, int streamId, long sequence, long timestampNs, ByteBuffer payload) {
        return ring().publish(type, streamId, sequence, timestampNs, payload);
    }

    @Override
    public RingClaim claim(RecordType type, int streamId, long sequence, long timestampNs, int payloadLength) {
        return ring().claim(type, streamId, sequence, timestampNs, payloadLength);
    }

    @Override
    public RingReader openReader(String name) {
        return ring().openReader(name);
    }

    @Override
    public long maxPayloadBytes() {
        return ring().maxPayloadBytes();
    }

    @Override
    public RingStats stats() {
        return ring().stats().withConfigurationError(configurationError);
    }
}
