package org.daqlab.api.instrument;

import org.daqlab.api.run.StreamDescriptor;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Where drivers publish their streams. Provided by the core, which writes every batch into the
 * ring buffer; publishing never waits on disk.
 */
@ProviderType
public interface DataPublisher {

    /**
     * Opens a stream. The descriptor is published into the ring before this returns, so every
     * reader sees it before the stream's first batch.
     *
     * @throws IllegalArgumentException if the stream name is taken by another open stream or the
     *                                  descriptor is invalid (the message says what to change)
     */
    StreamPublisher openStream(StreamDescriptor descriptor);
}
