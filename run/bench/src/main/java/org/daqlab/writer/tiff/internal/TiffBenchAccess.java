package org.daqlab.writer.tiff.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.daqlab.api.storage.RunContext;
import org.daqlab.api.storage.RunWriter;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;

/**
 * Opens the TIFF writer's {@link TiffRunWriter} for the benchmarks, which run on a plain class path
 * and not in OSGi: this class lives in the writer's private package (a split package, fine for a
 * benchmark jar) so that the writer's classes stay package-private. Like a writer instance
 * ({@link TiffStorageWriter}) it owns the compression workers that its segments share, without the
 * Declarative Services configuration and without the recovery of leftovers.
 */
public final class TiffBenchAccess implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final TiffSettings settings;
    private final ExecutorService workers;
    private final ThreadLocal<Deflater> deflaters;

    /**
     * @param compression {@code none} or {@code deflate}, as the {@code compression} property
     * @param level       the deflate level
     * @param predictor   as the {@code predictor} property
     * @param threads     compression workers
     */
    public TiffBenchAccess(String compression, int level, boolean predictor, int threads) {
        TiffSettings.Compression codec = TiffSettings.Compression.valueOf(compression.toUpperCase(java.util.Locale.ROOT));
        this.settings = new TiffSettings(codec, level, predictor, TiffSettings.BigTiff.AUTO, threads, TiffSettings.FOUR_GIB);
        this.workers = settings.deflate() ? Executors.newFixedThreadPool(threads, task -> {
            Thread t = new Thread(task, "tiff-bench-worker");
            t.setDaemon(true);
            return t;
        }) : null;
        this.deflaters = ThreadLocal.withInitial(() -> new Deflater(level));
    }

    /** Opens one segment's writer. */
    public RunWriter open(RunContext context) {
        return new TiffRunWriter(context, settings, MAPPER, workers, deflaters, directory -> { });
    }

    @Override
    public void close() throws InterruptedException {
        if (workers != null) {
            workers.shutdown();
            workers.awaitTermination(1, TimeUnit.MINUTES);
        }
    }
}
