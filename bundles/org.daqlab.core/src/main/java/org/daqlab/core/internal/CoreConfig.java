package org.daqlab.core.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the storage core ({@code org.daqlab.core}). Attribute methods spell {@code _} as
 * {@code __} so that the configuration keys keep their underscores ({@code output_dir}).
 */
@ObjectClassDefinition(
        name = "daqlab Storage core",
        description = "Runs, the writer whiteboard and where files go.")
public @interface CoreConfig {

    @AttributeDefinition(name = "Output directory",
            description = "Directory for writers that do not set their own output_dir; relative paths are relative to "
                    + "the platform's working directory. The launcher's --output (framework property daqlab.output.dir) "
                    + "overrides it.")
    String output__dir() default "data";

    @AttributeDefinition(name = "Continuous run",
            description = "Start a run when the platform starts and keep it until shutdown.")
    boolean continuous__run() default false;

    @AttributeDefinition(name = "Continuous run name",
            description = "Experiment name of the continuous run (file-name template {experiment}).")
    String continuous__run__name() default "continuous";

    @AttributeDefinition(name = "Writers",
            description = "Writer formats or instance names to run (e.g. csv, hdf5), or all; empty runs the default backend. "
                    + "The launcher's --writers (framework property daqlab.writers) overrides it.")
    String[] writers() default {};

    @AttributeDefinition(name = "Default backend",
            description = "The writer format or instance name that runs when neither Writers nor the launcher's --writers "
                    + "names any (the seeds' default_backend). Empty: every installed writer runs.")
    String default__backend() default "hdf5";

    @AttributeDefinition(name = "Stop timeout (s)",
            description = "How long stopping a run or a writer waits for writers to drain and close their files.",
            min = "1")
    int stop__timeout__secs() default 60;

    @AttributeDefinition(name = "Failed writer retry (s)",
            description = "During a run, a writer that failed (disk full, …) tries a new segment after this many seconds, "
                    + "then after twice as long each time it fails again, up to the maximum below.",
            min = "1")
    int writer__retry__secs() default 1;

    @AttributeDefinition(name = "Failed writer retry maximum (s)",
            description = "The longest wait between two attempts of a failed writer to resume.",
            min = "1")
    int writer__retry__max__secs() default 60;

    @AttributeDefinition(name = "Stuck writer limit (s)",
            description = "A writer whose call (write, flush, close, …) has not returned for this long is reported as STUCK; "
                    + "stopping a run or the platform then goes on without waiting for it.",
            min = "1")
    int stuck__writer__secs() default 30;
}
