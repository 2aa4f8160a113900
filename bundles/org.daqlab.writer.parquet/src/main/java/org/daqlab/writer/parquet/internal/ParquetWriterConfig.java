package org.daqlab.writer.parquet.internal;

import org.osgi.service.component.annotations.ComponentPropertyType;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Configuration of one Parquet writer instance (factory PID {@value ParquetStorageWriter#PID}).
 *
 * <p>Method names map to property names as in Declarative Services and Metatype: a double
 * underscore becomes {@code _} and a single one {@code .}; so {@code row__group__mb()} is the
 * property {@code row_group_mb}.
 *
 * <p>The type is also a component property type and annotates {@link ParquetStorageWriter}, so every
 * default below (but the empty {@code streams}) is a service property even when a configuration sets
 * only some of them: the core reads the run-handling properties (name, directory, template, flush,
 * rotation, streams) from the service.
 */
@ComponentPropertyType
@ObjectClassDefinition(id = ParquetStorageWriter.PID, name = "daqlab Parquet writer",
        description = "Writes each stream of a run segment to its own Apache Parquet file, readable by pandas, "
                + "Polars, DuckDB and Spark: Arrow types (unsigned integers, half floats, frames as "
                + "arrow.fixed_shape_tensor) restored by pyarrow, units and run and instrument metadata kept. Every "
                + "flush makes the rows so far durable; after a crash the next start completes the file.")
public @interface ParquetWriterConfig {

    /** The instance name; the core publishes statistics under it. */
    @AttributeDefinition(name = "Name",
            description = "Name of this writer instance, unique among all writers; shown in statistics and used to "
                    + "select writers (--writers). 1 to 128 letters, digits, '_', '-' or '.'.")
    String name() default "parquet";

    /** Property {@code output_dir}: where the core puts this writer's files. */
    @AttributeDefinition(name = "Output directory",
            description = "Directory for this writer's files; created if missing. Empty: the platform's output "
                    + "directory chosen by the storage core.")
    String output__dir() default "";

    /** Property {@code file_name_template}: how the core names each file. */
    @AttributeDefinition(name = "File name template",
            description = "Name of each file, filled in by the storage core: {experiment} (run name), {date}, {time}, "
                    + "{version}, {stream}, {ext} (parquet), e.g. wavelength_scan_2026-01-25_14-32-45_v1_adc0.parquet "
                    + "(without {stream} the core appends _<stream>).")
    String file__name__template() default "{experiment}_{date}_{time}_{version}.{ext}";

    /** Property {@code auto_flush_interval_secs}. */
    @AttributeDefinition(name = "Auto-flush interval (s)", min = "0",
            description = "Seconds between flushes, so that a crash loses at most this much. A flush makes every row "
                    + "so far durable: a stream with little data since its last row group is spooled to the file's "
                    + "journal; otherwise its row group is closed. 0: flush only on request and when the run stops.")
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

    /** Property {@code compression}: one of {@link ParquetCompression}'s option values. */
    @AttributeDefinition(name = "Compression",
            description = "Codec of every page. zstd: small files at high speed (the default); snappy and lz4_raw: "
                    + "fastest, larger; gzip: readable by the oldest readers; uncompressed: no CPU spent.",
            options = {
                @Option(label = "zstd", value = "zstd"),
                @Option(label = "Snappy", value = "snappy"),
                @Option(label = "gzip", value = "gzip"),
                @Option(label = "LZ4 (raw blocks)", value = "lz4_raw"),
                @Option(label = "Uncompressed", value = "uncompressed")
            })
    String compression() default "zstd";

    /** Property {@code compression_level}. */
    @AttributeDefinition(name = "Compression level",
            description = "zstd: 1 (fastest) to 22 (smallest), negative levels are faster still; gzip: 1 to 9. "
                    + "0: the codec's default (zstd 3, gzip 6). Ignored by snappy, lz4_raw and uncompressed.")
    int compression__level() default 0;

    /** Property {@code row_group_mb}. */
    @AttributeDefinition(name = "Row group size (MB)", min = "1",
            description = "A row group is closed when its compressed pages reach this size, in MB of 2^20 bytes (it is "
                    + "held in memory until then), or at a flush that cannot spool it. Larger groups read faster.")
    int row__group__mb() default 64;

    /** Property {@code page_kb}. */
    @AttributeDefinition(name = "Page size (KB)", min = "1",
            description = "Target size of a data page before compression, in KB of 1024 bytes; readers decode a page "
                    + "at a time.")
    int page__kb() default 1024;

    /** Property {@code byte_stream_split}. */
    @AttributeDefinition(name = "Byte-stream split",
            description = "Encode float32 and float64 columns with BYTE_STREAM_SPLIT (the bytes of each value by "
                    + "significance), which often makes compressed sensor data much smaller. Needs readers from 2021 "
                    + "on (pyarrow 2, DuckDB 0.3, parquet-java 1.12).")
    boolean byte__stream__split() default false;

    /** Property {@code webconsole.configurationFactory.nameHint}: the Web Console's label for an instance. */
    @AttributeDefinition(name = "Name hint",
            description = "How the Web Console lists this configuration; {name} is replaced by the Name property.")
    String webconsole_configurationFactory_nameHint() default "Parquet {name}";
}
