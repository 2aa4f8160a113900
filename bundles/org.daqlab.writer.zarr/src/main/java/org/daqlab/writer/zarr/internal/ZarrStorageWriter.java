package org.daqlab.writer.zarr.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.daqlab.api.data.FixedShapeTensorType;
import org.daqlab.api.storage.RunContext;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.StorageWriter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Zarr {@link StorageWriter}: one service per factory configuration of {@value #PID}. Each run
 * segment gets a {@link ZarrRunWriter} (one store); the instance owns the compression workers its
 * segments share. The first store opened in a directory starts the recovery of the stores that
 * crashed runs left there ({@link StoreRecovery}), on this instance's background thread.
 *
 * <p>Service properties: every {@link ZarrWriterConfig} property and
 * {@value StorageWriter#FORMAT}{@code =zarr}; the core reads the run-handling ones.
 */
@Component(service = StorageWriter.class, configurationPid = ZarrStorageWriter.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = StorageWriter.FORMAT + "=" + ZarrStorageWriter.FORMAT)
@Designate(ocd = ZarrWriterConfig.class, factory = true)
@ZarrWriterConfig
public final class ZarrStorageWriter implements StorageWriter {

    /** The factory PID of Zarr writer configurations. */
    public static final String PID = "org.daqlab.writer.zarr";
    /** The format name. */
    public static final String FORMAT = "zarr";

    private static final Logger LOG = LoggerFactory.getLogger(ZarrStorageWriter.class);

    private final String name;
    private final ZarrSettings settings;
    private final String application;
    /** Thread-safe once built; shared by the segments of every run. */
    private final ObjectMapper mapper = new ObjectMapper();
    private final ExecutorService workers;
    private final ExecutorService recovery;
    private final Set<Path> recoveredDirectories = ConcurrentHashMap.newKeySet();

    /**
     * Activates the instance.
     *
     * @throws IllegalArgumentException if a setting is out of range, naming it
     */
    @Activate
    public ZarrStorageWriter(ZarrWriterConfig config, BundleContext bundle) {
        this(config, "daqlab " + bundle.getBundle().getVersion());
    }

    ZarrStorageWriter(ZarrWriterConfig config, String application) {
        this.name = config.name();
        this.settings = ZarrSettings.of(config);
        this.application = application;
        // frames arrive as arrow.fixed_shape_tensor only once the type is registered with Arrow
        FixedShapeTensorType.register();
        this.workers = Executors.newFixedThreadPool(settings.threads(), threads("daqlab-zarr-" + name + "-"));
        this.recovery = Executors.newSingleThreadExecutor(threads("daqlab-zarr-recovery-" + name + "-"));
        LOG.info("Zarr writer '{}' active: {}", name, settings.describe());
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public RunWriter open(RunContext context) throws IOException {
        ZarrRunWriter writer = new ZarrRunWriter(context, settings, workers, mapper, application);
        Path directory = writer.directory();
        if (recoveredDirectories.add(directory)) {
            StoreRecovery.recoverAll(directory, recovery, mapper, context::notice);
        }
        return writer;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        recovery.shutdown();
        workers.shutdown();
        if (!recovery.awaitTermination(30, TimeUnit.SECONDS)) {
            LOG.warn("Zarr writer '{}': recovery of leftover stores still busy after 30 s; stopping it", name);
            recovery.shutdownNow();
        }
        if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
            LOG.warn("Zarr writer '{}': compression workers still busy after 30 s; stopping them", name);
            workers.shutdownNow();
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, prefix + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
