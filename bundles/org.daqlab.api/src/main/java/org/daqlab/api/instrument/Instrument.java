package org.daqlab.api.instrument;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Registered by a driver for each instrument it runs, so the shell and console can show it.
 * Service property {@value #ID} carries the instrument id.
 */
@ConsumerType
public interface Instrument {

    /** Service property: the instrument id. */
    String ID = "daqlab.instrument.id";

    /** The instrument id. */
    String id();

    /** A snapshot of the instrument's state. */
    InstrumentStatus status();
}
