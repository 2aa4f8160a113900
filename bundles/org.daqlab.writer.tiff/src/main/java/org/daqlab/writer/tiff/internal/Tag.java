package org.daqlab.writer.tiff.internal;

/** The TIFF tags the writer uses (FORMAT.md lists what each page holds). */
final class Tag {

    static final int NEW_SUBFILE_TYPE = 254;
    static final int IMAGE_WIDTH = 256;
    static final int IMAGE_LENGTH = 257;
    static final int BITS_PER_SAMPLE = 258;
    static final int COMPRESSION = 259;
    static final int PHOTOMETRIC = 262;
    static final int IMAGE_DESCRIPTION = 270;
    static final int STRIP_OFFSETS = 273;
    static final int ORIENTATION = 274;
    static final int SAMPLES_PER_PIXEL = 277;
    static final int ROWS_PER_STRIP = 278;
    static final int STRIP_BYTE_COUNTS = 279;
    static final int X_RESOLUTION = 282;
    static final int Y_RESOLUTION = 283;
    static final int PLANAR_CONFIGURATION = 284;
    static final int RESOLUTION_UNIT = 296;
    static final int SOFTWARE = 305;
    static final int PREDICTOR = 317;
    static final int SAMPLE_FORMAT = 339;
    /** Private (reusable range 65000–65535): the page's row of the stream but the frame, as JSON. */
    static final int DAQLAB_FRAME = 65500;
    /** Private: run, instrument and stream metadata of the file, as JSON (first page). */
    static final int DAQLAB_METADATA = 65501;

    /** Compression values. */
    static final int COMPRESSION_NONE = 1;
    static final int COMPRESSION_DEFLATE = 8;

    private Tag() {
    }
}
