package org.daqlab.writer.csv.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
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

/**
 * The CSV {@link StorageWriter}: one service per factory configuration of
 * {@value #PID}. Each run segment gets a {@link CsvRunWriter}, which writes one CSV file and one
 * JSON sidecar per stream. The first file made in a directory starts the recovery of the files that
 * crashed runs left there ({@link CsvRecovery}), on this instance's background thread.
 *
 * <p>Service properties: every {@link CsvWriterConfig} property (defaults included, configured
 * values override them) and {@value StorageWriter#FORMAT}{@code =csv}. The instance name is the
 * {@code name} property; {@value StorageWriter#NAME} is not published, because Declarative Services
 * cannot derive one property from another and the core falls back to {@code name}.
 */
@Component(service = StorageWriter.class, configurationPid = CsvStorageWriter.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = StorageWriter.FORMAT + "=" + CsvStorageWriter.FORMAT)
@Designate(ocd = CsvWriterConfig.class, factory = true)
@CsvWriterConfig
public final class CsvStorageWriter implements StorageWriter {

    /** The factory PID of CSV writer configurations. */
    public static final String PID = "org.daqlab.writer.csv";
    /** The format name, also the file extension. */
    public static final String FORMAT = "csv";

    private static final Logger LOG = LoggerFactory.getLogger(CsvStorageWriter.class);

    private final CsvDelimiter delimiter;
    /** Thread-safe once built; shared by the segments of every run. */
    private final ObjectMapper sidecarMapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private final String name;
    private final ExecutorService recovery;
    private final Set<Path> recoveredDirectories = ConcurrentHashMap.newKeySet();

    /**
     * Activates the instance.
     *
     * @throws IllegalArgumentException if the configured delimiter is not one of the options
     */
    @Activate
    public CsvStorageWriter(CsvWriterConfig config) {
        this.delimiter = CsvDelimiter.fromOption(config.delimiter());
        this.name = config.name();
        this.recovery = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "daqlab-csv-recovery-" + name);
            t.setDaemon(true);
            return t;
        });
        LOG.info("CSV writer '{}' active, delimiter {}", config.name(), delimiter.option());
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public RunWriter open(RunContext context) {
        return new CsvRunWriter(context, delimiter, sidecarMapper, directory -> {
            if (recoveredDirectories.add(directory)) {
                CsvRecovery.recoverAll(directory, recovery, sidecarMapper, context::notice);
            }
        });
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        recovery.shutdown();
        if (!recovery.awaitTermination(30, TimeUnit.SECONDS)) {
            LOG.warn("CSV writer '{}': recovery of leftover files still busy after 30 s; stopping it (they stay for the next start)", name);
            recovery.shutdownNow();
        }
    }
}
