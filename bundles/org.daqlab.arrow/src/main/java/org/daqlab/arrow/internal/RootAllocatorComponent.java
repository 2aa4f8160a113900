package org.daqlab.arrow.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Dictionary;
import java.util.Hashtable;

/**
 * Publishes the framework's single root {@link BufferAllocator}. Users take a child allocator
 * ({@code newChildAllocator}) so that their memory is accounted and leaks are attributed to them.
 */
@Component(
        configurationPid = RootAllocatorComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {})
@Designate(ocd = RootAllocatorComponent.Config.class)
public final class RootAllocatorComponent {

    static final String PID = "org.daqlab.arrow";

    private static final Logger LOG = LoggerFactory.getLogger(RootAllocatorComponent.class);

    @ObjectClassDefinition(
            name = "daqlab Arrow memory",
            description = "The root Apache Arrow allocator shared by every daqlab bundle.")
    public @interface Config {
        @AttributeDefinition(
                name = "Memory limit (MB)",
                description = "Upper bound of off-heap memory that Arrow buffers may take in total; "
                        + "0 means no limit beyond the JVM's direct-memory setting.",
                min = "0")
        long memory__limit__mb() default 0;
    }

    private RootAllocator root;
    private ServiceRegistration<BufferAllocator> registration;

    @Activate
    void activate(BundleContext context, Config config) {
        long limit = config.memory__limit__mb() <= 0 ? Long.MAX_VALUE : config.memory__limit__mb() * 1024 * 1024;
        root = new RootAllocator(limit);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("allocator.name", "root");
        props.put("allocator.limit", limit);
        // Registered by hand rather than as the component's service: the allocator is a library
        // object, not a component instance.
        registration = context.registerService(BufferAllocator.class, root, props);
        LOG.info("Arrow root allocator ready (limit {})", limit == Long.MAX_VALUE ? "none" : limit + " bytes");
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
        try {
            root.close();
        } catch (IllegalStateException leak) {
            // A child allocator was not closed: report who leaked instead of failing the stop.
            LOG.error("Arrow memory still allocated at shutdown: {}", leak.getMessage());
        }
    }
}
