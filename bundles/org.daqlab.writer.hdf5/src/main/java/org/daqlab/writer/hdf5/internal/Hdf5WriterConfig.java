package org.daqlab.writer.hdf5.internal;

import org.osgi.service.component.annotations.ComponentPropertyType;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Configuration of one HDF5 writer instance (factory PID {@value Hdf5StorageWriter#PID}).
 *
 * <p>Method names map to property names as in Declarative Services and Metatype: a double
 * underscore becomes {@code _} and a single one {@code .}. So {@code output__dir()} is the property
 * {@code output_dir} that the core reads, and {@code webconsole_configurationFactory_nameHint()} is
 * the Web Console's {@code webconsole.configurationFactory.nameHint}.
 *
 * <p>The type is also a component property type and annotates {@link Hdf5StorageWriter}, so every
 * default below (but the empty {@code streams}, which bnd leaves out) is a service property even
 * when a configuration sets only some of them: the core reads the run-handling properties (name,
 * directory, template, flush, rotation, streams) from the service, never from this bundle.
 */
@ComponentPropertyType
@ObjectClassDefinition(id = Hdf5StorageWriter.PID, name = "daqlab HDF5 writer",
        description = "Writes each run segment to one HDF5 file: a group per stream, a chunked dataset per column "
                + "(frames as [n, H, W]), units and metadata as attributes. Chunks are compressed on worker threads "
                + "while acquisition runs and the file is completed when the segment closes; after a crash the next "
                + "start completes it from its journal.")
public @interface Hdf5WriterConfig {

    /** The instance name; the core publishes statistics under it. */
    @AttributeDefinition(name = "Name",
            description = "Name of this writer instance, unique among all writers; shown in statistics and used to "
                    + "select writers (--writers). 1 to 128 letters, digits, '_', '-' or '.'.")
    String name() default "hdf5";

    /** Property {@code output_dir}: where the core puts this writer's files. */
    @AttributeDefinition(name = "Output directory",
            description = "Directory for this writer's files; created if missing. Empty: the platform's output "
                    + "directory chosen by the storage core.")
    String output__dir() default "";

    /** Property {@code file_name_template}: how the core names each file. */
    @AttributeDefinition(name = "File name template",
            description = "Name of each file, filled in by the storage core: {experiment} (run name), {date}, {time}, "
                    + "{version}, {ext} (h5), e.g. wavelength_scan_2026-01-25_14-32-45_v1.h5. "
                    + "The core keeps names unique per rotated segment.")
    String file__name__template() default "{experiment}_{date}_{time}_{version}.{ext}";

    /** Property {@code auto_flush_interval_secs}. */
    @AttributeDefinition(name = "Auto-flush interval (s)", min = "0",
            description = "Seconds between flushes of written rows to disk, so that a crash loses at most this much. "
                    + "0: flush only on request and when the run stops.")
    int auto__flush__interval__secs() default 5;

    /** Property {@code rotation_size_mb}. */
    @AttributeDefinition(name = "Rotate at size (MB)", min = "0",
            description = "Start a new segment (new files) when a file of this writer reaches this size, in MB "
                    + "of 2^20 bytes. 0: no rotation by size.")
    long rotation__size__mb() default 0;

    /** Property {@code rotation_duration_secs}. */
    @AttributeDefinition(name = "Rotate after (s)", min = "0",
            description = "Start a new segment (new files) after this many seconds. 0: no rotation by time.")
    long rotation__duration__secs() default 0;

    /** Property {@code streams}: which streams this instance writes. */
    @AttributeDefinition(name = "Streams",
            description = "Names of the streams to write (e.g. power_meter_01, adc0). Empty: every stream.")
    String[] streams() default {};

    /** Property {@code compression}: one of {@link Compression}'s option values. */
    @AttributeDefinition(name = "Compression",
            description = "How chunks are compressed. deflate is HDF5's gzip filter, readable everywhere; lz4 is much "
                    + "faster but needs the LZ4 filter plugin (HDF5 filter 32004: Debian hdf5-filter-plugin, pip hdf5plugin).",
            options = {
                @Option(label = "None", value = "none"),
                @Option(label = "Deflate (gzip)", value = "deflate"),
                @Option(label = "LZ4 (filter 32004)", value = "lz4")
            })
    String compression() default "deflate";

    /** Property {@code compression_level}: deflate level, as in the seed configuration. */
    @AttributeDefinition(name = "Compression level", min = "0", max = "9",
            description = "Deflate level: 0 stores, 1 is fastest, 9 smallest. Ignored for none and lz4.")
    int compression__level() default 1;

    /** Property {@code shuffle}. */
    @AttributeDefinition(name = "Shuffle",
            description = "Reorder each chunk's bytes by significance before compressing (HDF5 shuffle filter): "
                    + "usually much smaller files for sensor data at little cost.")
    boolean shuffle() default true;

    /** Property {@code chunk_rows}. */
    @AttributeDefinition(name = "Chunk rows", min = "1",
            description = "Rows per chunk of one-dimensional datasets (scalars, ADC channels). Larger chunks compress "
                    + "better; readers read whole chunks.")
    int chunk__rows() default 16384;

    /** Property {@code frames_per_chunk}. */
    @AttributeDefinition(name = "Frames per chunk", min = "1",
            description = "Frames per chunk of frame datasets [n, H, W]: chunk shape [frames_per_chunk, H, W]. 1 lets "
                    + "a reader load any single frame alone.")
    int frames__per__chunk() default 1;

    /** Property {@code compression_threads}. */
    @AttributeDefinition(name = "Compression threads", min = "0",
            description = "Worker threads that compress chunks in parallel with acquisition. 0: one per processor.")
    int compression__threads() default 0;

    /** Property {@code webconsole.configurationFactory.nameHint}: the Web Console's label for an instance. */
    @AttributeDefinition(name = "Name hint",
            description = "How the Web Console lists this configuration; {name} is replaced by the Name property.")
    String webconsole_configurationFactory_nameHint() default "HDF5 {name}";
}
