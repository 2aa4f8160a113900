package org.daqlab.writer.parquet.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.daqlab.api.storage.RunContext;
import org.daqlab.api.storage.RunWriter;

/**
 * Opens the Parquet writer's {@link ParquetRunWriter} for the benchmarks, which run on a plain class
 * path and not in OSGi: this class lives in the writer's private package (a split package, fine for a
 * benchmark jar) so that the writer's classes stay package-private. It builds the same
 * {@link ParquetSettings} that {@link ParquetStorageWriter} builds from its configuration, without the
 * Declarative Services configuration object and without the recovery that
 * {@link ParquetStorageWriter#open} starts once per directory.
 */
public final class ParquetBenchAccess {

    private ParquetBenchAccess() {
    }

    /**
     * Opens one segment's writer.
     *
     * @param compression     as the {@code compression} property ({@code zstd}, {@code uncompressed}, …)
     * @param level           as {@code compression_level} (0: the codec's default)
     * @param rowGroupMb      as {@code row_group_mb}
     * @param pageKb          as {@code page_kb}
     * @param byteStreamSplit as {@code byte_stream_split}
     */
    public static RunWriter open(RunContext context, String compression, int level, int rowGroupMb, int pageKb,
            boolean byteStreamSplit) {
        ParquetCompression codec = ParquetCompression.fromOption(compression);
        ParquetSettings settings = new ParquetSettings(codec, codec.level(level), (long) rowGroupMb << 20, pageKb << 10,
                byteStreamSplit);
        return new ParquetRunWriter(context, settings, new ObjectMapper(), directory -> { });
    }
}
