package org.daqlab.writer.tiff.internal;

import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * How a frame column's pixel type is stored in TIFF: BitsPerSample and SampleFormat (1 unsigned
 * integer, 2 signed integer, 3 IEEE float), one sample per pixel, little-endian as Arrow holds it, so
 * pixels go to the file byte for byte.
 *
 * @param bits         BitsPerSample: 8, 16, 32 or 64
 * @param sampleFormat SampleFormat: 1, 2 or 3
 * @param name         the numpy dtype a reader sees ({@code uint16}), for messages
 */
record PixelType(int bits, int sampleFormat, String name) {

    static final int UNSIGNED = 1;
    static final int SIGNED = 2;
    static final int FLOAT = 3;

    /** Bytes per pixel. */
    int bytes() {
        return bits / 8;
    }

    /** Whether TIFF's horizontal predictor (2) applies: it is defined for integer samples only. */
    boolean integer() {
        return sampleFormat != FLOAT;
    }

    /** Whether ImageJ 1 opens this type (8- and 16-bit integers, 32-bit float; FORMAT.md). */
    boolean imageJ() {
        return (sampleFormat == UNSIGNED && (bits == 8 || bits == 16)) || (sampleFormat == SIGNED && bits == 16)
                || (sampleFormat == FLOAT && bits == 32);
    }

    /**
     * The storage of a frame column's values ({@code field}'s only child), or {@code null} if TIFF
     * cannot hold it as samples (the caller reports it).
     */
    static PixelType of(Field frameField) {
        if (frameField.getChildren().size() != 1) {
            return null;
        }
        ArrowType type = frameField.getChildren().get(0).getType();
        if (type instanceof ArrowType.Int i) {
            return new PixelType(i.getBitWidth(), i.getIsSigned() ? SIGNED : UNSIGNED,
                    (i.getIsSigned() ? "int" : "uint") + i.getBitWidth());
        }
        if (type instanceof ArrowType.FloatingPoint f) {
            return switch (f.getPrecision()) {
                case HALF -> new PixelType(16, FLOAT, "float16");
                case SINGLE -> new PixelType(32, FLOAT, "float32");
                case DOUBLE -> new PixelType(64, FLOAT, "float64");
            };
        }
        return null;
    }

    @Override
    public String toString() {
        return name;
    }
}
