package org.daqlab.writer.zarr.internal;

import org.osgi.service.component.annotations.ComponentPropertyType;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Configuration of one Zarr writer instance (factory PID {@value ZarrStorageWriter#PID}).
 *
 * <p>Method names map to property names as in Declarative Services and Metatype: a double
 * underscore becomes {@code _} and a single one {@code .}. So {@code output__dir()} is the property
 * {@code output_dir} that the core reads, and {@code webconsole_configurationFactory_nameHint()} is
 * the Web Console's {@code webconsole.configurationFactory.nameHint}.
 *
 * <p>The type is also a component property type and annotates {@link ZarrStorageWriter}, so every
 * default below (but the empty {@code streams}, which bnd leaves out) is a service property even
 * when a configuration sets only some of them: the core reads the run-handling properties (name,
 * directory, template, flush, rotation, streams) from the service, never from this bundle.
 */
@ComponentPropertyType
@ObjectClassDefinition(id = ZarrStorageWriter.PID, name = "daqlab Zarr writer",
        description = "Writes one Zarr store per run segment for xarray, zarr-python, zarrita and other Zarr readers: a "
                + "group per stream, an array per column, frames as [time, y, x] with dimension names; run and "
                + "instrument metadata, units and ranges as attributes. Chunks are compressed on worker threads while "
                + "data arrives; every flush makes the store consistent on disk, so after a crash it holds everything "
                + "flushed, and the next start gives it its final name.")
public @interface ZarrWriterConfig {

    /** The instance name; the core publishes statistics under it. */
    @AttributeDefinition(name = "Name",
            description = "Name of this writer instance, unique among all writers; shown in statistics and used to "
                    + "select writers (--writers). 1 to 128 letters, digits, '_', '-' or '.'.")
    String name() default "zarr";

    /** Property {@code output_dir}: where the core puts this writer's stores. */
    @AttributeDefinition(name = "Output directory",
            description = "Directory for this writer's stores; created if missing. Empty: the platform's output "
                    + "directory chosen by the storage core.")
    String output__dir() default "";

    /** Property {@code file_name_template}: how the core names each store. */
    @AttributeDefinition(name = "File name template",
            description = "Name of each store (a directory), filled in by the storage core: {experiment} (run name), "
                    + "{date}, {time}, {version}, {ext} (zarr), e.g. wavelength_scan_2026-01-25_14-32-45_v1.zarr. "
                    + "The core keeps names unique per rotated segment.")
    String file__name__template() default "{experiment}_{date}_{time}_{version}.{ext}";

    /** Property {@code auto_flush_interval_secs}. */
    @AttributeDefinition(name = "Auto-flush interval (s)", min = "0",
            description = "Seconds between flushes: the partial last chunk of every array is written, everything is "
                    + "forced to disk and the array shapes are updated, so that a crash loses at most this much and "
                    + "readers of the live store see the new rows. 0: flush only on request and when the run stops.")
    int auto__flush__interval__secs() default 5;

    /** Property {@code rotation_size_mb}. */
    @AttributeDefinition(name = "Rotate at size (MB)", min = "0",
            description = "Start a new segment (a new store) when the store reaches this size, in MB of 2^20 bytes. "
                    + "0: no rotation by size.")
    long rotation__size__mb() default 0;

    /** Property {@code rotation_duration_secs}. */
    @AttributeDefinition(name = "Rotate after (s)", min = "0",
            description = "Start a new segment (a new store) after this many seconds. 0: no rotation by time.")
    long rotation__duration__secs() default 0;

    /** Property {@code streams}: which streams this instance writes. */
    @AttributeDefinition(name = "Streams",
            description = "Names of the streams to write (e.g. power_meter_01, adc0). Empty: every stream.")
    String[] streams() default {};

    /** Property {@code zarr_format}: one of {@link ZarrFormat}'s option values. */
    @AttributeDefinition(name = "Zarr format",
            description = "3: Zarr v3 (zarr.json, dimension_names, sharding and crc32c available), read by zarr-python 3, "
                    + "xarray with zarr-python 3, zarrita, tensorstore. 2: Zarr v2 (.zarray/.zattrs/.zgroup, dimension "
                    + "names in _ARRAY_DIMENSIONS), for zarr-python 2 and older xarray.",
            options = {
                @Option(label = "Zarr v3", value = "3"),
                @Option(label = "Zarr v2", value = "2")
            })
    int zarr__format() default 3;

    /** Property {@code compression}: one of {@link ZarrCompression}'s option values. */
    @AttributeDefinition(name = "Compression",
            description = "Codec of every chunk. zstd: small chunks at high speed (numcodecs Zstd in v2); gzip: slower, "
                    + "read everywhere; none: chunks as they are, as fast as the disk.",
            options = {
                @Option(label = "zstd", value = "zstd"),
                @Option(label = "gzip", value = "gzip"),
                @Option(label = "None", value = "none")
            })
    String compression() default "zstd";

    /** Property {@code compression_level}. */
    @AttributeDefinition(name = "Compression level",
            description = "zstd: 1 (fast) to 22 (small), negative levels faster still; gzip: 1 to 9. 0: the codec's "
                    + "default (zstd 3, gzip 6). Ignored for none.")
    int compression__level() default 0;

    /** Property {@code chunk_rows}. */
    @AttributeDefinition(name = "Chunk rows", min = "1",
            description = "Rows per chunk of one-dimensional arrays (scalars, ADC channels): one chunk file each. "
                    + "Larger chunks compress better and make fewer files; readers read whole chunks.")
    int chunk__rows() default 65536;

    /** Property {@code frames_per_chunk}. */
    @AttributeDefinition(name = "Frames per chunk", min = "1",
            description = "Frames per chunk of frame arrays [time, y, x]: chunk shape [frames_per_chunk, y, x]. 1 lets "
                    + "a reader load any single frame alone.")
    int frames__per__chunk() default 1;

    /** Property {@code shard_frames}. */
    @AttributeDefinition(name = "Frames per shard", min = "0",
            description = "Zarr v3 only: store this many frames per file (a shard of chunks, sharding_indexed codec), a "
                    + "multiple of frames_per_chunk, so that a long recording makes few files while readers still read "
                    + "single chunks. 0: no sharding, one file per chunk.")
    int shard__frames() default 0;

    /** Property {@code crc32c}. */
    @AttributeDefinition(name = "CRC-32C checksums",
            description = "Zarr v3 only: append a CRC-32C checksum to every chunk (and shard index), so that readers "
                    + "that check it detect a damaged chunk.")
    boolean crc32c() default false;

    /** Property {@code compression_threads}. */
    @AttributeDefinition(name = "Compression threads", min = "0",
            description = "Worker threads that compress and write chunks in parallel with acquisition. 0: one per "
                    + "processor.")
    int compression__threads() default 0;

    /** Property {@code webconsole.configurationFactory.nameHint}: the Web Console's label for an instance. */
    @AttributeDefinition(name = "Name hint",
            description = "How the Web Console lists this configuration; {name} is replaced by the Name property.")
    String webconsole_configurationFactory_nameHint() default "Zarr {name}";
}
