package org.daqlab.writer.arrow.internal;

import org.osgi.service.component.annotations.ComponentPropertyType;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Configuration of one Arrow IPC writer instance (factory PID {@value ArrowStorageWriter#PID}).
 *
 * <p>Method names map to property names as in Declarative Services and Metatype: a double
 * underscore becomes {@code _} and a single one {@code .}. So {@code output__dir()} is the property
 * {@code output_dir} that the core reads, and {@code webconsole_configurationFactory_nameHint()} is
 * the Web Console's {@code webconsole.configurationFactory.nameHint}.
 *
 * <p>The type is also a component property type and annotates {@link ArrowStorageWriter}, so every
 * default below (but the empty {@code streams}, which bnd leaves out) is a service property even
 * when a configuration sets only some of them: the core reads the run-handling properties (name,
 * directory, template, flush, rotation, streams) from the service, never from this bundle.
 */
@ComponentPropertyType
@ObjectClassDefinition(id = ArrowStorageWriter.PID, name = "daqlab Arrow IPC writer",
        description = "Writes one Arrow IPC file per stream and run segment, for live monitoring and hand-off to "
                + "pandas, Polars, DuckDB or any Arrow library: the stream format (.arrows) is readable up to the last "
                + "flushed batch even after a crash, the file format (.arrow) has a footer for random access. Units, "
                + "ranges, frame shapes, run and instrument metadata travel in the schema; leftovers of a crash are "
                + "completed at the next start.")
public @interface ArrowWriterConfig {

    /** The instance name; the core publishes statistics under it. */
    @AttributeDefinition(name = "Name",
            description = "Name of this writer instance, unique among all writers; shown in statistics and used to "
                    + "select writers (--writers). 1 to 128 letters, digits, '_', '-' or '.'.")
    String name() default "arrow";

    /** Property {@code output_dir}: where the core puts this writer's files. */
    @AttributeDefinition(name = "Output directory",
            description = "Directory for this writer's files; created if missing. Empty: the platform's output "
                    + "directory chosen by the storage core.")
    String output__dir() default "";

    /** Property {@code file_name_template}: how the core names each file. */
    @AttributeDefinition(name = "File name template",
            description = "Name of each file, filled in by the storage core: {experiment} (run name), {date}, {time}, "
                    + "{version}, {stream}, {ext} (arrows or arrow), e.g. wavelength_scan_2026-01-25_14-32-45_v1_adc0.arrows "
                    + "(without {stream}, _<stream> is added before the extension). The core keeps names unique per "
                    + "rotated segment.")
    String file__name__template() default "{experiment}_{date}_{time}_{version}.{ext}";

    /** Property {@code auto_flush_interval_secs}. */
    @AttributeDefinition(name = "Auto-flush interval (s)", min = "0",
            description = "Seconds between flushes of written batches to disk, so that a crash loses at most this much "
                    + "and live readers see gathered batches. 0: flush only on request and when the run stops.")
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
            description = "Names of the streams to write (e.g. power_meter_01, adc0). Empty: every stream.")
    String[] streams() default {};

    /** Property {@code format}: one of {@link IpcFormat}'s option values. */
    @AttributeDefinition(name = "IPC format",
            description = "stream: Arrow's streaming format (.arrows), batches follow the schema and an end marker closes "
                    + "the file; readable up to the last complete batch while it is written and after a crash. file: "
                    + "Arrow's file format (.arrow, 'Feather v2'), the same messages plus a footer written at close that "
                    + "indexes the batches for random access and memory mapping.",
            options = {
                @Option(label = "Stream (.arrows)", value = "stream"),
                @Option(label = "File (.arrow)", value = "file")
            })
    String format() default "stream";

    /** Property {@code compression}: one of {@link BodyCompression}'s option values. */
    @AttributeDefinition(name = "Compression",
            description = "Arrow IPC body compression, buffer by buffer on the writer's thread. none: every Arrow reader "
                    + "reads the files, and readers can memory-map them without copying; zstd: smaller files, a few "
                    + "hundred MB/s per writer; lz4_frame: faster than zstd, larger files. Readers must support the codec "
                    + "(pyarrow and Polars do; apache-arrow for JavaScript needs a decoder registered).",
            options = {
                @Option(label = "None", value = "none"),
                @Option(label = "ZSTD", value = "zstd"),
                @Option(label = "LZ4 frame", value = "lz4_frame")
            })
    String compression() default "none";

    /** Property {@code compression_level}: the ZSTD level. */
    @AttributeDefinition(name = "Compression level",
            description = "ZSTD level: 1 is fast, up to 22 smallest, negative levels faster still with larger files; "
                    + "0 is ZSTD's default (3). Ignored for none and lz4_frame.")
    int compression__level() default 1;

    /** Property {@code batch_rows}: coalescing of small batches. */
    @AttributeDefinition(name = "Rows per written batch", min = "0",
            description = "Batches with fewer rows are gathered and written as one batch once this many rows (or "
                    + "8 MiB of data) have come, at each flush and at close; larger batches are written as they come. "
                    + "Fewer, larger batches make smaller files that read faster and compress better (e.g. 10000 for "
                    + "an instrument that publishes single readings). 0: every batch is written as it comes.")
    int batch__rows() default 0;

    /** Property {@code webconsole.configurationFactory.nameHint}: the Web Console's label for an instance. */
    @AttributeDefinition(name = "Name hint",
            description = "How the Web Console lists this configuration; {name} is replaced by the Name property.")
    String webconsole_configurationFactory_nameHint() default "Arrow {name}";
}
