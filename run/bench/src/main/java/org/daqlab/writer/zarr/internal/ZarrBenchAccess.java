package org.daqlab.writer.zarr.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.daqlab.api.storage.RunContext;
import org.daqlab.api.storage.RunWriter;

import java.io.IOException;
import java.util.concurrent.ExecutorService;

/**
 * Opens the Zarr writer's {@link ZarrRunWriter} for the benchmarks, which run on a plain class path
 * and not in OSGi: this class lives in the writer's private package (a split package, fine for a
 * benchmark jar) so that the writer's classes stay package-private. It builds the same
 * {@link ZarrSettings} that {@link ZarrStorageWriter} builds from its configuration, without the
 * Declarative Services configuration object and without the recovery that
 * {@link ZarrStorageWriter#open} starts once per directory.
 */
public final class ZarrBenchAccess {

    /** One for every segment, as a writer instance has. */
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ZarrBenchAccess() {
    }

    /**
     * Opens one segment's writer (one store).
     *
     * @param format         2 or 3, as the {@code zarr_format} property
     * @param compression    {@code none}, {@code zstd} or {@code gzip}, as the {@code compression} property
     * @param level          the codec's level, 0 for its default
     * @param chunkRows      rows per chunk of 1-D arrays
     * @param framesPerChunk rows per chunk of frame arrays
     * @param shardFrames    rows per shard file of frame arrays (Zarr v3), 0 for a file per chunk
     * @param workers        the compression pool; {@code threads} must be its size (it bounds the chunks in flight)
     * @param threads        the pool's size
     */
    public static RunWriter open(RunContext context, int format, String compression, int level, int chunkRows,
            int framesPerChunk, int shardFrames, ExecutorService workers, int threads) throws IOException {
        ZarrCompression codec = ZarrCompression.fromOption(compression);
        ZarrSettings settings = new ZarrSettings(ZarrFormat.of(format), codec, codec.level(level), chunkRows,
                framesPerChunk, shardFrames, false, threads);
        return new ZarrRunWriter(context, settings, workers, MAPPER, "daqlab bench");
    }
}
