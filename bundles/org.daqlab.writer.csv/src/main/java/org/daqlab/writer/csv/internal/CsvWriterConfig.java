package org.daqlab.writer.csv.internal;

import org.osgi.service.component.annotations.ComponentPropertyType;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Configuration of one CSV writer instance (factory PID {@value CsvStorageWriter#PID}).
 *
 * <p>Method names map to property names as in Declarative Services and Metatype: a double
 * underscore becomes {@code _} and a single one {@code .}. So {@code output__dir()} is the property
 * {@code output_dir} that the core reads, and {@code webconsole_configurationFactory_nameHint()} is
 * the Web Console's {@code webconsole.configurationFactory.nameHint}.
 *
 * <p>The type is also a component property type and annotates {@link CsvStorageWriter}, so every
 * default below (but the empty {@code streams}, which bnd leaves out) is a service property even
 * when a configuration sets only some of them: the core reads the run-handling properties (name,
 * directory, template, flush, rotation, streams) from the service, never from this bundle.
 */
@ComponentPropertyType
@ObjectClassDefinition(id = CsvStorageWriter.PID, name = "daqlab CSV writer",
        description = "Writes every stream of a run to its own RFC 4180 CSV file (header row, UTF-8, CRLF) with a JSON "
                + "sidecar holding units, ranges, run and instrument metadata. Frame (tensor) and other nested "
                + "columns are not written; use the HDF5, Zarr or TIFF writer for frames.")
public @interface CsvWriterConfig {

    /** The instance name; the core publishes statistics under it. */
    @AttributeDefinition(name = "Name",
            description = "Name of this writer instance, unique among all writers; shown in statistics and used to "
                    + "select writers (--writers). 1 to 128 letters, digits, '_', '-' or '.'.")
    String name() default "csv";

    /** Property {@code output_dir}: where the core puts this writer's files. */
    @AttributeDefinition(name = "Output directory",
            description = "Directory for this writer's files; created if missing. Empty: the platform's output "
                    + "directory chosen by the storage core.")
    String output__dir() default "";

    /** Property {@code file_name_template}: how the core names each file. */
    @AttributeDefinition(name = "File name template",
            description = "Name of each file, filled in by the storage core: {experiment} (run name), {date}, {time}, "
                    + "{version}, {ext} (csv, or json for the sidecar), e.g. wavelength_scan_2026-01-25_14-32-45_v1.csv. "
                    + "The core keeps names unique per stream and rotated segment.")
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

    /** The field separator, one of {@link CsvDelimiter}'s option values. */
    @AttributeDefinition(name = "Delimiter",
            description = "Field separator. Comma is RFC 4180; semicolon suits spreadsheets in locales with a "
                    + "decimal comma; tab gives TSV. Numbers always use '.' as decimal point.",
            options = {
                @Option(label = "Comma (,)", value = "comma"),
                @Option(label = "Semicolon (;)", value = "semicolon"),
                @Option(label = "Tab", value = "tab")
            })
    String delimiter() default "comma";

    /** Property {@code webconsole.configurationFactory.nameHint}: the Web Console's label for an instance. */
    @AttributeDefinition(name = "Name hint",
            description = "How the Web Console lists this configuration; {name} is replaced by the Name property.")
    String webconsole_configurationFactory_nameHint() default "CSV {name}";
}
