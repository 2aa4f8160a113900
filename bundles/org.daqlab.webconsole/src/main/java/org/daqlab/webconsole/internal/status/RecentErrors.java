package org.daqlab.webconsole.internal.status;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest warnings and errors of the platform, for the DAQ page, the status JSON and support dumps: everything
 * logged at WARN or ERROR (daqlab's own components, and SCR, Config Admin, FileInstall and the Configurator, which
 * log to the OSGi Log Service), and what the console itself rejects (configuration values).
 *
 * <p>Both log services of the distribution are followed: pax-logging's reader sees what bundles log through slf4j,
 * Felix Log's what the framework services log. The same message often arrives through both (the core forwards
 * Felix Log's warnings to slf4j), so a message equal to one kept within the last {@link #DUPLICATE_WINDOW_MS} is
 * dropped.
 */
@Component(service = RecentErrors.class)
public final class RecentErrors implements LogListener {

    /** Enough for a screen of recent trouble; older entries are in the log. */
    static final int CAPACITY = 50;
    static final long DUPLICATE_WINDOW_MS = 2000;
    /** Longer messages (stack-trace-like causes) are cut: the log has them in full. */
    static final int MAX_MESSAGE_LENGTH = 2000;

    /**
     * One warning or error.
     *
     * @param time    when it was logged
     * @param level   {@code ERROR} or {@code WARN}
     * @param source  logger or bundle that reported it
     * @param message what happened, with its cause's message
     */
    public record Entry(Instant time, String level, String source, String message) {
    }

    private final Deque<Entry> entries = new ArrayDeque<>();
    private final Map<LogReaderService, Boolean> readers = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindReader(LogReaderService reader) {
        readers.put(reader, Boolean.TRUE);
        reader.addLogListener(this);
    }

    void unbindReader(LogReaderService reader) {
        if (readers.remove(reader) != null) {
            reader.removeLogListener(this);
        }
    }

    @Deactivate
    void deactivate() {
        readers.keySet().forEach(r -> r.removeLogListener(this));
        readers.clear();
    }

    @Override
    public void logged(LogEntry entry) {
        LogLevel level = entry.getLogLevel();
        if (level != LogLevel.ERROR && level != LogLevel.WARN) {
            return;
        }
        String source = entry.getLoggerName() != null && !entry.getLoggerName().isBlank() ? entry.getLoggerName()
                : entry.getBundle() != null ? entry.getBundle().getSymbolicName() : "unknown";
        String message = entry.getMessage() == null ? "" : entry.getMessage();
        Throwable cause = entry.getException();
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message = message + ": " + cause.getMessage();
        }
        add(new Entry(Instant.ofEpochMilli(entry.getTime()), level.name(), source, message));
    }

    /** Records an error the console found itself (it is logged by the caller). */
    public void report(String source, String message) {
        add(new Entry(Instant.now(), LogLevel.ERROR.name(), source, message));
    }

    /** The kept entries, newest first. */
    public synchronized List<Entry> latest() {
        return List.copyOf(entries);
    }

    private synchronized void add(Entry entry) {
        String message = entry.message().length() > MAX_MESSAGE_LENGTH
                ? entry.message().substring(0, MAX_MESSAGE_LENGTH) + " …" : entry.message();
        Entry kept = new Entry(entry.time(), entry.level(), entry.source(), message);
        for (Entry e : entries) {
            if (entry.time().toEpochMilli() - e.time().toEpochMilli() > DUPLICATE_WINDOW_MS) {
                break;
            }
            if (e.level().equals(kept.level()) && e.message().equals(kept.message())) {
                return;
            }
        }
        entries.addFirst(kept);
        while (entries.size() > CAPACITY) {
            entries.removeLast();
        }
    }
}
