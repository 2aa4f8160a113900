package org.daqlab.writer.arrow.internal;

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
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The Arrow IPC {@link StorageWriter}: one service per factory configuration of {@value #PID}.
 * Each run segment gets an {@link ArrowRunWriter}. The first file opened in a directory starts the
 * recovery of the files that crashed runs left there ({@link IpcRecovery}), on this instance's
 * background thread.
 *
 * <p>Service properties: every {@link ArrowWriterConfig} property and
 * {@value StorageWriter#FORMAT}{@code =arrow}; the core reads the run-handling ones.
 */
@Component(service = StorageWriter.class, configurationPid = ArrowStorageWriter.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = StorageWriter.FORMAT + "=" + ArrowStorageWriter.FORMAT)
@Designate(ocd = ArrowWriterConfig.class, factory = true)
@ArrowWriterConfig
public final class ArrowStorageWriter implements StorageWriter {

    /** The factory PID of Arrow writer configurations. */
    public static final String PID = "org.daqlab.writer.arrow";
    /** The format name. */
    public static final String FORMAT = "arrow";

    private static final Logger LOG = LoggerFactory.getLogger(ArrowStorageWriter.class);

    private final String name;
    private final ArrowSettings settings;
    /** Thread-safe once built; shared by the segments of every run. */
    private final ObjectMapper mapper = new ObjectMapper();
    private final ExecutorService recovery;
    private final Set<Path> recoveredDirectories = ConcurrentHashMap.newKeySet();

    /**
     * Activates the instance.
     *
     * @throws IllegalArgumentException if a setting is out of range, naming it
     */
    @Activate
    public ArrowStorageWriter(ArrowWriterConfig config) {
        this.name = config.name();
        this.settings = ArrowSettings.of(config);
        // frames are read back as arrow.fixed_shape_tensor by Arrow Java only once the type is registered
        FixedShapeTensorType.register();
        this.recovery = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "daqlab-arrow-recovery-" + name);
            t.setDaemon(true);
            return t;
        });
        LOG.info("Arrow writer '{}' active: {}", name, settings.describe());
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public RunWriter open(RunContext context) {
        Consumer<Path> directoryUsed = directory -> {
            if (recoveredDirectories.add(directory)) {
                IpcRecovery.recoverAll(directory, recovery, context::notice);
            }
        };
        return new ArrowRunWriter(context, settings, mapper, directoryUsed);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        recovery.shutdown();
        if (!recovery.awaitTermination(30, TimeUnit.SECONDS)) {
            LOG.warn("Arrow writer '{}': recovery of leftover files still busy after 30 s; stopping it", name);
            recovery.shutdownNow();
        }
    }
}
