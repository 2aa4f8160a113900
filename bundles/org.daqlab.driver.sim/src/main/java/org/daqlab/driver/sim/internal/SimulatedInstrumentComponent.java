package org.daqlab.driver.sim.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.daqlab.api.instrument.DataPublisher;
import org.daqlab.api.instrument.Instrument;
import org.daqlab.api.instrument.InstrumentStatus;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What every simulated-instrument component does with its source: start it, register it as an
 * {@link Instrument} service, and withdraw and stop it on deactivation. The subclasses only declare
 * their configuration and build their {@link SampleSource}.
 *
 * <p>A configuration the source refuses (out of range, an unusable instrument id) or a stream the
 * publisher refuses (its name taken) does not fail the component: it registers an instrument in state
 * {@code FAILED} whose error names the attribute and the fix, so the console and {@code daq:instruments}
 * show why the instrument does not run, not only the log.
 */
abstract class SimulatedInstrumentComponent {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedInstrumentComponent.class);

    private final SimulatedInstrument instrument;
    private final ServiceRegistration<Instrument> registration;

    /**
     * Builds the source, opens its stream, starts generating and registers the {@link Instrument}
     * service; or registers a failed instrument named {@code configuredId} if that is refused.
     */
    SimulatedInstrumentComponent(BundleContext context, String kind, String configuredId, Supplier<SampleSource> source,
            DataPublisher publisher, BufferAllocator rootAllocator) {
        SimulatedInstrument started = null;
        Instrument shown;
        try {
            started = SimulatedInstrument.start(source.get(), publisher, rootAllocator);
            shown = started;
        } catch (IllegalArgumentException e) {
            LOG.error("{} '{}' does not run: {}", kind, configuredId, e.getMessage());
            shown = new Failed(configuredId, kind, e.getMessage());
        }
        instrument = started;
        registration = context.registerService(Instrument.class, shown,
                FrameworkUtil.asDictionary(Map.of(Instrument.ID, shown.id())));
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
        if (instrument != null) {
            instrument.stop();
        }
    }

    /** An instrument whose configuration was refused: it publishes nothing and says why. */
    private record Failed(String id, String kind, String error) implements Instrument {
        @Override
        public InstrumentStatus status() {
            return new InstrumentStatus(id, kind, SimulatedInstrument.FAILED, List.of(), 0, 0, 0, null,
                    "configuration refused, the instrument does not run: " + error);
        }
    }
}
