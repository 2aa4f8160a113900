package org.daqlab.core.internal;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Stops the framework when the JVM is asked to exit (SIGTERM, Ctrl-C), so that every writer drains
 * the ring, flushes and renames its files before the process ends. The launcher alone would let the
 * JVM exit with the framework still running and leave {@code .part} files behind.
 */
@Component(immediate = true)
public final class ShutdownHook {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownHook.class);
    private static final long STOP_WAIT_MILLIS = TimeUnit.MINUTES.toMillis(2);

    private final Thread hook;

    @Activate
    public ShutdownHook(BundleContext context) {
        Framework framework = (Framework) context.getBundle(0);
        hook = new Thread(() -> stop(framework), "daqlab-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Deactivate
    void deactivate() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: this deactivation is part of it
        }
    }

    private static void stop(Framework framework) {
        LOG.info("shutdown requested: stopping the platform; writers drain and close their files");
        try {
            framework.stop();
            framework.waitForStop(STOP_WAIT_MILLIS);
        } catch (BundleException e) {
            LOG.error("the platform did not stop cleanly", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
