package org.daqlab.writer.parquet.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.memory.BufferAllocator;
import org.daqlab.api.storage.RunContext;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.StorageWriter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The Parquet {@link StorageWriter}: one service per factory configuration of {@value #PID}. Each run
 * segment gets a {@link ParquetRunWriter}. The first file a segment creates in a directory starts the
 * recovery of the files that crashed runs left there ({@link ParquetRecovery}), in the background.
 *
 * <p>Service properties: every {@link ParquetWriterConfig} property and
 * {@value StorageWriter#FORMAT}{@code =parquet}; the core reads the run-handling ones.
 */
@Component(service = StorageWriter.class, configurationPid = ParquetStorageWriter.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = StorageWriter.FORMAT + "=" + ParquetStorageWriter.FORMAT)
@Designate(ocd = ParquetWriterConfig.class, factory = true)
@ParquetWriterConfig
public final class ParquetStorageWriter implements StorageWriter {

    /** The factory PID of Parquet writer configurations. */
    public static final String PID = "org.daqlab.writer.parquet";
    /** The format name. */
    public static final String FORMAT = "parquet";

    private static final Logger LOG = LoggerFactory.getLogger(ParquetStorageWriter.class);

    private final String name;
    private final ParquetSettings settings;
    private final BufferAllocator allocator;
    private final ObjectMapper mapper = new ObjectMapper();
    private final ExecutorService recovery;
    private final Set<Path> recoveredDirectories = ConcurrentHashMap.newKeySet();

    /**
     * Activates the instance.
     *
     * @param rootAllocator the platform's root allocator; recovery decodes spooled batches with a child of it
     * @throws IllegalArgumentException if a setting is out of range, naming it
     */
    @Activate
    public ParquetStorageWriter(ParquetWriterConfig config, @Reference BufferAllocator rootAllocator) {
        this.name = config.name();
        this.settings = ParquetSettings.of(config);
        this.allocator = rootAllocator.newChildAllocator("parquet-writer-" + name, 0, Long.MAX_VALUE);
        this.recovery = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "daqlab-parquet-recovery-" + name);
            t.setDaemon(true);
            return t;
        });
        LOG.info("Parquet writer '{}' active: {}{}, row groups of {} MiB, pages of {} KiB{}", name,
                settings.compression().option(), settings.level() == 0 ? "" : " level " + settings.level(),
                settings.rowGroupBytes() >> 20, settings.pageBytes() >> 10,
                settings.byteStreamSplit() ? ", byte-stream split floats" : "");
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public RunWriter open(RunContext context) {
        return new ParquetRunWriter(context, settings, mapper, directory -> {
            if (recoveredDirectories.add(directory)) {
                ParquetRecovery.recoverAll(directory, recovery, allocator, mapper, context::notice);
            }
        });
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        recovery.shutdown();
        if (!recovery.awaitTermination(60, TimeUnit.SECONDS)) {
            LOG.warn("Parquet writer '{}': recovery still busy after 60 s; stopping it (the leftovers stay for the next start)", name);
            recovery.shutdownNow();
            if (!recovery.awaitTermination(10, TimeUnit.SECONDS)) {
                return; // the allocator stays open: a recovery thread may still hold its buffers
            }
        }
        allocator.close();
    }
}
