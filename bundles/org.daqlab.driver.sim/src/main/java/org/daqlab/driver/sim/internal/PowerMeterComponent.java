package org.daqlab.driver.sim.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.daqlab.api.instrument.DataPublisher;
import org.daqlab.api.instrument.Instrument;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A simulated optical power meter, one per factory configuration of {@value #FACTORY_PID}: publishes
 * the stream named after its instrument id with one {@code power} reading (W) per sample, following
 * {@link PowerMeterSignal}, and registers itself as an {@link Instrument} service.
 */
@Component(
        configurationPid = PowerMeterComponent.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = PowerMeterComponent.Config.class, factory = true)
public final class PowerMeterComponent extends SimulatedInstrumentComponent {

    /** The factory PID of power meter configurations. */
    public static final String FACTORY_PID = "org.daqlab.driver.sim.powermeter";

    /**
     * Configuration of one power meter. Attribute methods use a double underscore, which DS and
     * Metatype map to a single one: the properties are {@code instrument_id}, {@code rate_hz}, ….
     */
    @ObjectClassDefinition(
            name = "daqlab simulated power meter",
            description = "A simulated optical power meter: 1 mW with a 10 % sine modulation over 100 samples "
                    + "plus reproducible noise, published as the column 'power' (W) of the stream named after "
                    + "the instrument id. Add one configuration per power meter.")
    public @interface Config {

        @AttributeDefinition(
                name = "Instrument id",
                description = "Id of the power meter and name of its stream, unique in the system: letters, "
                        + "digits, '_', '-' and '.', not starting with '.' or '-'.")
        String instrument__id() default "power_meter_01";

        @AttributeDefinition(
                name = "Sample rate (Hz)",
                description = "Readings per second.",
                min = "" + PowerMeterSource.MIN_RATE_HZ,
                max = "" + PowerMeterSource.MAX_RATE_HZ)
        double rate__hz() default 10;

        @AttributeDefinition(
                name = "Wavelength (nm)",
                description = "Wavelength the meter is set to; recorded as instrument metadata 'wavelength_nm'.",
                min = "" + PowerMeterSource.MIN_WAVELENGTH_NM,
                max = "" + PowerMeterSource.MAX_WAVELENGTH_NM)
        double wavelength__nm() default 1064.0;

        @AttributeDefinition(
                name = "Readings per batch",
                description = "Readings published together in one batch. 1 publishes every reading as soon as "
                        + "it is taken; more cost less per reading at high rates.",
                min = "1",
                max = "" + PowerMeterSource.MAX_BATCH_ROWS)
        int batch__rows() default 1;

        @AttributeDefinition(
                name = "Instance name hint",
                description = "How the Web Console names this configuration; {instrument_id} stands for the "
                        + "instrument id.")
        String webconsole_configurationFactory_nameHint() default "{instrument_id}";
    }

    /** Opens the stream, starts generating and registers the {@link Instrument} service (a failed one if refused). */
    @Activate
    public PowerMeterComponent(BundleContext context, Config config,
            @Reference DataPublisher publisher,
            @Reference(target = SimulatedInstrument.ROOT_ALLOCATOR) BufferAllocator rootAllocator) {
        super(context, PowerMeterSource.POWER_METER, config.instrument__id(), () -> new PowerMeterSource(config), publisher, rootAllocator);
    }
}
