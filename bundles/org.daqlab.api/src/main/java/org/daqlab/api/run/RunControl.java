package org.daqlab.api.run;

import org.osgi.annotation.versioning.ProviderType;

import java.util.Map;
import java.util.Optional;

/**
 * Starts and stops runs and changes their metadata. Provided by the core; used by the shell, the
 * console and automation.
 */
@ProviderType
public interface RunControl {

    /**
     * Starts a run. Every active writer opens its files.
     *
     * @param name     experiment name (file-name template {@code {experiment}})
     * @param metadata run-level metadata (String, Long, Double or Boolean values)
     * @return the run's start document
     * @throws IllegalStateException if a run is already active
     * @throws IllegalArgumentException if the name, a metadata key or a text value holds a NUL character or an
     *                                  unpaired UTF-16 surrogate (nothing is started)
     */
    RunStart start(String name, Map<String, Object> metadata);

    /**
     * Stops the active run: every writer drains what the ring holds for it, flushes and closes
     * its files.
     *
     * @param reason why, for the stop document
     * @return the stop document, or empty if no run was active
     */
    Optional<RunStop> stop(String reason);

    /** The active run, if any. */
    Optional<RunStart> currentRun();

    /**
     * Sets run-level metadata ({@code SetMetadata}); applies to the active run and to later runs.
     *
     * @throws IllegalArgumentException if the key or a text value holds a NUL character or an unpaired UTF-16
     *                                  surrogate
     */
    void setMetadata(String key, Object value);

    /**
     * Sets metadata of one instrument ({@code SetInstrumentMetadata}).
     *
     * @throws IllegalArgumentException if the instrument id is not a valid stream name, or the key or a text
     *                                  value holds a NUL character or an unpaired UTF-16 surrogate
     */
    void setInstrumentMetadata(String instrumentId, String key, Object value);

    /** Run-level metadata as it stands now. */
    Map<String, Object> metadata();

    /** Asks every writer to flush what it has written so far to disk, and waits for it. */
    void flush();
}
