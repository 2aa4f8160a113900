package org.daqlab.writer.arrow.internal;

import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.daqlab.api.storage.RunContext;
import org.daqlab.api.storage.RunWriter;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Opens the Arrow writer's {@link ArrowRunWriter} for the benchmarks, which run on a plain class
 * path and not in OSGi: this class lives in the writer's private package (a split package, fine for
 * a benchmark jar) so that the writer's classes stay package-private. It builds the same
 * {@link ArrowSettings} that {@link ArrowStorageWriter} builds from its configuration, without the
 * Declarative Services configuration object and without the recovery that a writer starts in each
 * directory it first writes to.
 */
public final class ArrowBenchAccess {

    private ArrowBenchAccess() {
    }

    /**
     * Opens one segment's writer.
     *
     * @param format      {@code stream} or {@code file}, as the {@code format} property
     * @param compression {@code none}, {@code zstd} or {@code lz4_frame}, as the {@code compression} property
     * @param level       the ZSTD level
     * @param batchRows   as the {@code batch_rows} property
     */
    public static RunWriter open(RunContext context, String format, String compression, int level, int batchRows) {
        BodyCompression codec = BodyCompression.fromOption(compression);
        ArrowSettings settings = new ArrowSettings(IpcFormat.fromOption(format), codec,
                codec == BodyCompression.ZSTD ? BodyCompression.checkZstdLevel(level) : level, batchRows,
                ArrowSettings.DEFAULT_BATCH_BYTES);
        return new ArrowRunWriter(context, settings, new ObjectMapper(), directory -> { });
    }

    /** The writer's codecs as a reader's factory (Arrow Java's readers ask one for the codec of each batch). */
    public static CompressionCodec.Factory codecs() {
        return new CompressionCodec.Factory() {
            @Override
            public CompressionCodec createCodec(CompressionUtil.CodecType type) {
                return switch (type) {
                    case ZSTD -> new ZstdCodec(1);
                    case LZ4_FRAME -> new Lz4FrameCodec();
                    case NO_COMPRESSION -> NoCompressionCodec.INSTANCE;
                };
            }

            @Override
            public CompressionCodec createCodec(CompressionUtil.CodecType type, int level) {
                return createCodec(type);
            }
        };
    }
}
