package org.daqlab.driver.sim.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.daqlab.api.instrument.DataPublisher;
import org.daqlab.api.instrument.Instrument;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Deactivate;

/**
 * What every simulated-instrument component does with its source: start it, register it as an
 * {@link Instrument} service, and withdraw and stop it on deactivation. The subclasses only declare
 * their configuration and build their {@link SampleSource}.
 */
abstract class SimulatedInstrumentComponent {

    private final SimulatedInstrument instrument;
    private final ServiceRegistration<Instrument> registration;

    /** Opens the source's stream, starts generating and registers the {@link Instrument} service. */
    SimulatedInstrumentComponent(BundleContext context, SampleSource source, DataPublisher publisher,
            BufferAllocator rootAllocator) {
        instrument = SimulatedInstrument.start(source, publisher, rootAllocator);
        registration = instrument.register(context);
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
        instrument.stop();
    }
}
