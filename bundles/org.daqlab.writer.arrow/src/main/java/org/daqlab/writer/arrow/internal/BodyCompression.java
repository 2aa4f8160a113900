package org.daqlab.writer.arrow.internal;

import com.github.luben.zstd.Zstd;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;

import java.util.Arrays;
import java.util.Locale;

/** The body compression options of the {@code compression} property; the values are the option values. */
enum BodyCompression {
    /** Buffers written as they are, and no {@code BodyCompression} in the messages. */
    NONE(CompressionUtil.CodecType.NO_COMPRESSION),
    /** ZSTD frames (zstd-jni). */
    ZSTD(CompressionUtil.CodecType.ZSTD),
    /** LZ4 frames (lz4-java). */
    LZ4_FRAME(CompressionUtil.CodecType.LZ4_FRAME);

    private final CompressionUtil.CodecType codecType;

    BodyCompression(CompressionUtil.CodecType codecType) {
        this.codecType = codecType;
    }

    /** The option value, as in the configuration. */
    String option() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Arrow's name for the codec. */
    CompressionUtil.CodecType codecType() {
        return codecType;
    }

    /**
     * A codec for one file ({@code level} is the ZSTD level); the caller closes it with the file.
     */
    CompressionCodec codec(int level) {
        return switch (this) {
            case NONE -> NoCompressionCodec.INSTANCE;
            case ZSTD -> new ZstdCodec(level);
            case LZ4_FRAME -> new Lz4FrameCodec();
        };
    }

    /**
     * Checks a ZSTD level against what the native library accepts (0 is ZSTD's default level, 3).
     *
     * @throws IllegalArgumentException naming the value and the range
     */
    static int checkZstdLevel(int level) {
        if (level < Zstd.minCompressionLevel() || level > Zstd.maxCompressionLevel()) {
            throw new IllegalArgumentException("compression_level = " + level + " is not a ZSTD level: use 1 (fast) to "
                    + Zstd.maxCompressionLevel() + " (smallest), or a negative level for faster, larger files");
        }
        return level;
    }

    /**
     * @throws IllegalArgumentException naming the value and the options
     */
    static BodyCompression fromOption(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (BodyCompression c : values()) {
            if (c.option().equals(v)) {
                return c;
            }
        }
        throw new IllegalArgumentException("compression = '" + value + "' is not one of "
                + Arrays.stream(values()).map(BodyCompression::option).toList());
    }
}
