package org.daqlab.writer.tiff.internal;

import org.osgi.service.component.annotations.ComponentPropertyType;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Configuration of one TIFF writer instance (factory PID {@value TiffStorageWriter#PID}).
 *
 * <p>Method names map to property names as in Declarative Services and Metatype: a double
 * underscore becomes {@code _} and a single one {@code .}. So {@code output__dir()} is the property
 * {@code output_dir} that the core reads, and {@code webconsole_configurationFactory_nameHint()} is
 * the Web Console's {@code webconsole.configurationFactory.nameHint}.
 *
 * <p>The type is also a component property type and annotates {@link TiffStorageWriter}, so every
 * default below (but the empty {@code streams}, which bnd leaves out) is a service property even
 * when a configuration sets only some of them: the core reads the run-handling properties (name,
 * directory, template, flush, rotation, streams) from the service.
 */
@ComponentPropertyType
@ObjectClassDefinition(id = TiffStorageWriter.PID, name = "daqlab TIFF writer",
        description = "Writes one multi-page TIFF stack per camera stream and run segment, for ImageJ/Fiji, napari or "
                + "tifffile: an ImageJ hyperstack description (frames, calibration), each frame's timestamp and frame "
                + "number on its page, run and instrument metadata as JSON on the first page. Every page is readable "
                + "after a crash; BigTIFF takes over before 4 GiB. Streams without frames are not written.")
public @interface TiffWriterConfig {

    /** The instance name; the core publishes statistics under it. */
    @AttributeDefinition(name = "Name",
            description = "Name of this writer instance, unique among all writers; shown in statistics and used to "
                    + "select writers (--writers). 1 to 128 letters, digits, '_', '-' or '.'.")
    String name() default "tiff";

    /** Property {@code output_dir}: where the core puts this writer's files. */
    @AttributeDefinition(name = "Output directory",
            description = "Directory for this writer's files; created if missing. Empty: the platform's output "
                    + "directory chosen by the storage core.")
    String output__dir() default "";

    /** Property {@code file_name_template}: how the core names each file. */
    @AttributeDefinition(name = "File name template",
            description = "Name of each file, filled in by the storage core: {experiment} (run name), {date}, {time}, "
                    + "{version}, {stream}, {ext} (tif), e.g. wavelength_scan_2026-01-25_14-32-45_v1_camera0.tif "
                    + "(without {stream}, _<stream> is added before the extension). The core keeps names unique per "
                    + "rotated segment.")
    String file__name__template() default "{experiment}_{date}_{time}_{version}.{ext}";

    /** Property {@code auto_flush_interval_secs}. */
    @AttributeDefinition(name = "Auto-flush interval (s)", min = "0",
            description = "Seconds between flushes: pages still being compressed are written, the ImageJ page count "
                    + "and changed metadata are updated and the core forces the files to disk. Pages are readable "
                    + "after a crash of the process as soon as they are written; a power failure keeps what was "
                    + "flushed. 0: flush only on request and when the run stops.")
    int auto__flush__interval__secs() default 5;

    /** Property {@code rotation_size_mb}. */
    @AttributeDefinition(name = "Rotate at size (MB)", min = "0",
            description = "Start a new segment (new files) when the files of this writer reach this size together, in "
                    + "MB of 2^20 bytes. 0: no rotation by size.")
    long rotation__size__mb() default 0;

    /** Property {@code rotation_duration_secs}. */
    @AttributeDefinition(name = "Rotate after (s)", min = "0",
            description = "Start a new segment (new files) after this many seconds. 0: no rotation by time.")
    long rotation__duration__secs() default 0;

    /** Property {@code streams}: which streams this instance writes. */
    @AttributeDefinition(name = "Streams",
            description = "Names of the streams to write (e.g. camera0). Empty: every stream that has frames.")
    String[] streams() default {};

    /** Property {@code compression}: one of {@link TiffSettings.Compression}'s option values. */
    @AttributeDefinition(name = "Compression",
            description = "none: pixels as they are, one strip per page, written straight from the ring's memory (as "
                    + "fast as a raw write; every reader, ImageJ included, opens them). deflate: Adobe Deflate "
                    + "(zlib) strips compressed on worker threads while acquisition goes on; ImageJ, Fiji, tifffile and "
                    + "libtiff read it.",
            options = {
                @Option(label = "None", value = "none"),
                @Option(label = "Deflate", value = "deflate")
            })
    String compression() default "none";

    /** Property {@code compression_level}: the deflate level. */
    @AttributeDefinition(name = "Compression level",
            description = "Deflate level, 1 (fastest) to 9 (smallest). Ignored without compression.")
    int compression__level() default 1;

    /** Property {@code predictor}. */
    @AttributeDefinition(name = "Horizontal predictor",
            description = "With deflate: store the difference of each pixel to its left neighbour (TIFF predictor 2), "
                    + "which makes camera images much smaller for little time. Integer pixels only; float frames are "
                    + "deflated as they are.")
    boolean predictor() default true;

    /** Property {@code bigtiff}: one of {@link TiffSettings.BigTiff}'s option values. */
    @AttributeDefinition(name = "BigTIFF",
            description = "auto: classic TIFF (which every reader opens) until the next page would pass 4 GiB, then "
                    + "the file becomes a BigTIFF in place. always: BigTIFF from the first page. never: classic TIFF "
                    + "only; a stack that reaches 4 GiB goes on in a new file <stream>.file2, .file3, … ImageJ 1 opens "
                    + "classic TIFF only (Fiji opens BigTIFF with Bio-Formats).",
            options = {
                @Option(label = "Automatic before 4 GiB", value = "auto"),
                @Option(label = "Always", value = "always"),
                @Option(label = "Never (new file at 4 GiB)", value = "never")
            })
    String bigtiff() default "auto";

    /** Property {@code compression_threads}. */
    @AttributeDefinition(name = "Compression threads", min = "0",
            description = "Worker threads that compress pages in parallel with acquisition (deflate only). 0: one per "
                    + "processor.")
    int compression__threads() default 0;

    /** Property {@code webconsole.configurationFactory.nameHint}: the Web Console's label for an instance. */
    @AttributeDefinition(name = "Name hint",
            description = "How the Web Console lists this configuration; {name} is replaced by the Name property.")
    String webconsole_configurationFactory_nameHint() default "TIFF {name}";
}
