package org.daqlab.writer.tiff.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.daqlab.api.data.FixedShapeTensorType;
import org.daqlab.api.storage.RunContext;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.StorageWriter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.zip.Deflater;

/**
 * The TIFF {@link StorageWriter}: one service per factory configuration of {@value #PID}. Each run
 * segment gets a {@link TiffRunWriter}. With deflate, pages are compressed on this instance's worker
 * threads ({@code compression_threads}), shared by its segments. The first file opened in a directory
 * starts the recovery of the stacks that crashed runs left there ({@link TiffRecovery}), on this
 * instance's background thread.
 *
 * <p>Service properties: every {@link TiffWriterConfig} property and
 * {@value StorageWriter#FORMAT}{@code =tiff}; the core reads the run-handling ones.
 */
@Component(service = StorageWriter.class, configurationPid = TiffStorageWriter.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = StorageWriter.FORMAT + "=" + TiffStorageWriter.FORMAT)
@Designate(ocd = TiffWriterConfig.class, factory = true)
@TiffWriterConfig
public final class TiffStorageWriter implements StorageWriter {

    /** The factory PID of TIFF writer configurations. */
    public static final String PID = "org.daqlab.writer.tiff";
    /** The format name. */
    public static final String FORMAT = "tiff";

    private static final Logger LOG = LoggerFactory.getLogger(TiffStorageWriter.class);

    private final String name;
    private final TiffSettings settings;
    /** Thread-safe once built; shared by the segments of every run. */
    private final ObjectMapper mapper = new ObjectMapper();
    /** Compression workers (deflate only), each with its own deflater at the configured level. */
    private final ExecutorService workers;
    private final ThreadLocal<Deflater> deflaters;
    private final ExecutorService recovery;
    private final Set<Path> recoveredDirectories = ConcurrentHashMap.newKeySet();

    /**
     * Activates the instance.
     *
     * @throws IllegalArgumentException if a setting is out of range, naming it
     */
    @Activate
    public TiffStorageWriter(TiffWriterConfig config) {
        this(config.name(), TiffSettings.of(config));
    }

    TiffStorageWriter(String name, TiffSettings settings) {
        this.name = name;
        this.settings = settings;
        // a frame column's type is recognised only once the extension type is registered
        FixedShapeTensorType.register();
        this.workers = settings.deflate() ? Executors.newFixedThreadPool(settings.threads(), threads("daqlab-tiff-" + name))
                : null;
        this.deflaters = ThreadLocal.withInitial(() -> new Deflater(settings.level()));
        this.recovery = Executors.newSingleThreadExecutor(threads("daqlab-tiff-recovery-" + name));
        LOG.info("TIFF writer '{}' active: {}", name, settings.describe());
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public RunWriter open(RunContext context) {
        Consumer<Path> directoryUsed = directory -> {
            if (recoveredDirectories.add(directory)) {
                TiffRecovery.recoverAll(directory, recovery, context::notice);
            }
        };
        return new TiffRunWriter(context, settings, mapper, workers, deflaters, directoryUsed);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        for (ExecutorService pool : new ExecutorService[] {workers, recovery}) {
            if (pool == null) {
                continue;
            }
            pool.shutdown();
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("TIFF writer '{}': background work still busy after 30 s; stopping it", name);
                pool.shutdownNow();
            }
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
