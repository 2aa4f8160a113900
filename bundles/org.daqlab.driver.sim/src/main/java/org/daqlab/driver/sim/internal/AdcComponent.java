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
 * A simulated multi-channel ADC, one per factory configuration of {@value #FACTORY_PID}: publishes
 * the wide stream named after its instrument id ({@code timestamp_ns, ch0 .. chN-1}, V), following
 * {@link AdcSignal}, and registers itself as an {@link Instrument} service.
 */
@Component(
        configurationPid = AdcComponent.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = AdcComponent.Config.class, factory = true)
public final class AdcComponent extends SimulatedInstrumentComponent {

    /** The factory PID of ADC configurations. */
    public static final String FACTORY_PID = "org.daqlab.driver.sim.adc";

    /**
     * Configuration of one ADC. Attribute methods use a double underscore, which DS and Metatype map
     * to a single one: the properties are {@code instrument_id}, {@code sample_rate_hz}, ….
     */
    @ObjectClassDefinition(
            name = "daqlab simulated ADC",
            description = "A simulated multi-channel analog-to-digital converter: every channel carries a sine of "
                    + "half the input range, phase-shifted per channel, plus reproducible Gaussian noise, clipped "
                    + "to the range. Published as one float64 column per channel (ch0, ch1, …, unit V) of the "
                    + "stream named after the instrument id. Add one configuration per ADC.")
    public @interface Config {

        @AttributeDefinition(
                name = "Instrument id",
                description = "Id of the ADC and name of its stream, unique in the system: letters, digits, '_', "
                        + "'-' and '.', not starting with '.' or '-'.")
        String instrument__id() default "adc0";

        @AttributeDefinition(
                name = "Channels",
                description = "Number of input channels, published as columns ch0 … chN-1.",
                min = "1",
                max = "" + AdcSource.MAX_CHANNELS)
        int channels() default 4;

        @AttributeDefinition(
                name = "Sample rate (Hz)",
                description = "Samples per second of every channel.",
                min = "" + AdcSource.MIN_SAMPLE_RATE_HZ,
                max = "" + AdcSource.MAX_SAMPLE_RATE_HZ)
        double sample__rate__hz() default 10_000;

        @AttributeDefinition(
                name = "Samples per batch",
                description = "Samples (rows) published together in one batch; a batch is published every "
                        + "'samples per batch' / 'sample rate' seconds.",
                min = "1",
                max = "" + AdcSource.MAX_BATCH_ROWS)
        int batch__rows() default 1000;

        @AttributeDefinition(
                name = "Signal frequency (Hz)",
                description = "Frequency of the sine on every channel. Above half the sample rate it aliases, as "
                        + "on a real converter.",
                min = "0",
                max = "" + AdcSource.MAX_SIGNAL_HZ)
        double signal__hz() default 50;

        @AttributeDefinition(
                name = "Noise (V)",
                description = "Standard deviation of the Gaussian noise added to every sample, in volts.",
                min = "0",
                max = "" + AdcSource.MAX_NOISE_V)
        double noise() default 0.01;

        @AttributeDefinition(
                name = "Input range (±V)",
                description = "Channels measure from -range to +range volts (field metadata range_min/range_max); "
                        + "the sine's amplitude is half the range and values beyond it saturate.",
                min = "" + AdcSource.MIN_RANGE_V,
                max = "" + AdcSource.MAX_RANGE_V)
        double range__v() default 10;

        @AttributeDefinition(
                name = "Instance name hint",
                description = "How the Web Console names this configuration; {instrument_id} stands for the "
                        + "instrument id.")
        String webconsole_configurationFactory_nameHint() default "{instrument_id}";
    }

    /** Opens the stream, starts generating and registers the {@link Instrument} service (a failed one if refused). */
    @Activate
    public AdcComponent(BundleContext context, Config config,
            @Reference DataPublisher publisher,
            @Reference(target = SimulatedInstrument.ROOT_ALLOCATOR) BufferAllocator rootAllocator) {
        super(context, AdcSource.ADC, config.instrument__id(), () -> new AdcSource(config), publisher, rootAllocator);
    }
}
