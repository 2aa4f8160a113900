package org.daqlab.core.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows warnings and errors that framework services (SCR, ConfigAdmin, Configurator, FileInstall)
 * send to the OSGi Log Service in the platform's log, which otherwise only keeps them in memory: a
 * component that cannot activate must be visible to the person running daqlab.
 */
@Component(immediate = true)
public final class LogForwarder implements LogListener {

    /**
     * Set while this thread forwards an entry. pax-logging's reader (it outranks Felix Log's) hands what is logged
     * through slf4j to its listeners on the logging thread, this one included: without the guard a forwarded
     * warning came back to be forwarded again, hundreds of times, until the stack ran out.
     */
    private static final ThreadLocal<Boolean> FORWARDING = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private final LogReaderService reader;

    @Activate
    public LogForwarder(@Reference LogReaderService reader) {
        this.reader = reader;
        reader.addLogListener(this);
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        LogLevel level = entry.getLogLevel();
        if ((level != LogLevel.ERROR && level != LogLevel.WARN) || FORWARDING.get()) {
            return;
        }
        Logger log = LoggerFactory.getLogger(entry.getBundle().getSymbolicName());
        FORWARDING.set(Boolean.TRUE);
        try {
            if (level == LogLevel.WARN) {
                log.warn(entry.getMessage(), entry.getException());
            } else {
                log.error(entry.getMessage(), entry.getException());
            }
        } finally {
            FORWARDING.set(Boolean.FALSE);
        }
    }
}
