package org.daqlab.api.ring;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives records from a {@link RingReader}. */
@ConsumerType
@FunctionalInterface
public interface RecordHandler {

    /** Handles one record; the record is valid only during the call. */
    void onRecord(RingRecord record);
}
