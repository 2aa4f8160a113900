package org.daqlab.writer.hdf5.internal;

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
 * The HDF5 {@link StorageWriter}: one service per factory configuration of {@value #PID}. Each run
 * segment gets an {@link Hdf5RunWriter}; the instance owns the compression workers its segments
 * share. The first segment opened in a directory first completes the files that crashed runs left
 * there ({@link JournalRecovery}).
 *
 * <p>Service properties: every {@link Hdf5WriterConfig} property and
 * {@value StorageWriter#FORMAT}{@code =hdf5}; the core reads the run-handling ones.
 */
@Component(service = StorageWriter.class, configurationPid = Hdf5StorageWriter.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = StorageWriter.FORMAT + "=" + Hdf5StorageWriter.FORMAT)
@Designate(ocd = Hdf5WriterConfig.class, factory = true)
@Hdf5WriterConfig
public final class Hdf5StorageWriter implements StorageWriter {

    /** The factory PID of HDF5 writer configurations. */
    public static final String PID = "org.daqlab.writer.hdf5";
    /** The format name. */
    public static final String FORMAT = "hdf5";

    private static final Logger LOG = LoggerFactory.getLogger(Hdf5StorageWriter.class);

    private final String name;
    private final Hdf5Settings settings;
    private final String application;
    private final ExecutorService workers;
    private final Set<Path> recoveredDirectories = ConcurrentHashMap.newKeySet();

    /**
     * Activates the instance.
     *
     * @throws IllegalArgumentException if a setting is out of range, naming it
     */
    @Activate
    public Hdf5StorageWriter(Hdf5WriterConfig config, BundleContext bundle) {
        this(config, "daqlab " + bundle.getBundle().getVersion());
    }

    Hdf5StorageWriter(Hdf5WriterConfig config, String application) {
        this.name = config.name();
        this.settings = Hdf5Settings.of(config);
        this.application = application;
        this.workers = Executors.newFixedThreadPool(settings.threads(), workerThreads(name));
        LOG.info("HDF5 writer '{}' active: {} level {}{}, {} compression threads, chunks of {} rows / {} frames",
                name, settings.codec().compression().option(), settings.codec().level(),
                settings.codec().shuffle() ? " with shuffle" : "", settings.threads(), settings.chunkRows(),
                settings.framesPerChunk());
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public RunWriter open(RunContext context) throws IOException {
        Hdf5RunWriter writer = new Hdf5RunWriter(context, settings, workers, application);
        Path directory = writer.directory();
        if (recoveredDirectories.add(directory)) {
            JournalRecovery.recoverAll(directory, workers, context::notice);
        }
        return writer;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        workers.shutdown();
        if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
            LOG.warn("HDF5 writer '{}': compression workers still busy after 30 s; stopping them", name);
            workers.shutdownNow();
        }
    }

    private static ThreadFactory workerThreads(String writer) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, "daqlab-hdf5-" + writer + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
