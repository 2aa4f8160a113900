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
import org.osgi.service.metatype.annotations.Option;

/**
 * A simulated camera, one per factory configuration of {@value #FACTORY_PID}: publishes the stream
 * named after its instrument id ({@code timestamp_ns, frame_number, frame}) with
 * {@link CameraTestPattern} images, and registers itself as an {@link Instrument} service.
 */
@Component(
        configurationPid = CameraComponent.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = CameraComponent.Config.class, factory = true)
public final class CameraComponent extends SimulatedInstrumentComponent {

    /** The factory PID of camera configurations. */
    public static final String FACTORY_PID = "org.daqlab.driver.sim.camera";

    /**
     * Configuration of one camera. Attribute methods use a double underscore, which DS and Metatype
     * map to a single one: the properties are {@code instrument_id}, {@code bit_depth}, ….
     */
    @ObjectClassDefinition(
            name = "daqlab simulated camera",
            description = "A simulated camera producing a test pattern: pixel (y, x) of frame n is "
                    + "(n + x + y·width) mod 2^bit_depth, and the first 8 bytes of every frame hold n as a "
                    + "little-endian int64, so lost or reordered frames show in the images themselves. Frames "
                    + "are published as an arrow.fixed_shape_tensor column of the stream named after the "
                    + "instrument id. Add one configuration per camera.")
    public @interface Config {

        @AttributeDefinition(
                name = "Instrument id",
                description = "Id of the camera and name of its stream, unique in the system: letters, digits, "
                        + "'_', '-' and '.', not starting with '.' or '-'.")
        String instrument__id() default "camera0";

        @AttributeDefinition(
                name = "Width (pixels)",
                description = "Pixels per row; at least 8 so that the burnt-in frame number fits in any frame.",
                min = "" + CameraSource.MIN_WIDTH,
                max = "" + CameraSource.MAX_SIDE)
        int width() default 256;

        @AttributeDefinition(
                name = "Height (pixels)",
                description = "Rows per frame.",
                min = "1",
                max = "" + CameraSource.MAX_SIDE)
        int height() default 256;

        @AttributeDefinition(
                name = "Bit depth",
                description = "Bits per pixel: unsigned 8-bit or 16-bit pixels.",
                options = {
                        @Option(label = "8 bit", value = "8"),
                        @Option(label = "16 bit", value = "16")})
        int bit__depth() default 16;

        @AttributeDefinition(
                name = "Frame rate (fps)",
                description = "Frames per second; 0 produces frames as fast as possible (timestamps are then "
                        + "the time each batch was made).",
                min = "0",
                max = "" + CameraSource.MAX_FPS)
        double fps() default 10;

        @AttributeDefinition(
                name = "Frames per batch",
                description = "Frames published together in one batch.",
                min = "1",
                max = "" + CameraSource.MAX_FRAMES_PER_BATCH)
        int frames__per__batch() default 1;

        @AttributeDefinition(
                name = "Instance name hint",
                description = "How the Web Console names this configuration; {instrument_id} stands for the "
                        + "instrument id.")
        String webconsole_configurationFactory_nameHint() default "{instrument_id}";
    }

    /** Opens the stream, starts generating and registers the {@link Instrument} service (a failed one if refused). */
    @Activate
    public CameraComponent(BundleContext context, Config config,
            @Reference DataPublisher publisher,
            @Reference(target = SimulatedInstrument.ROOT_ALLOCATOR) BufferAllocator rootAllocator) {
        super(context, CameraSource.CAMERA, config.instrument__id(), () -> new CameraSource(config), publisher, rootAllocator);
    }
}
