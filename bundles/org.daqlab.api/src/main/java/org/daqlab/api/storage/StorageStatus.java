package org.daqlab.api.storage;

import org.osgi.annotation.versioning.ProviderType;

import java.util.List;

/** Statistics of every writer instance the core knows ({@code GetStats}). Provided by the core. */
@ProviderType
public interface StorageStatus {

    /** One entry per writer instance, sorted by name. */
    List<WriterStats> writers();
}
