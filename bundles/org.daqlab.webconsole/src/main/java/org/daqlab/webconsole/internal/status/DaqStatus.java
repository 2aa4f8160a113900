package org.daqlab.webconsole.internal.status;

import org.daqlab.api.instrument.Instrument;
import org.daqlab.api.instrument.InstrumentStatus;
import org.daqlab.api.ring.RingBuffer;
import org.daqlab.api.ring.RingStats;
import org.daqlab.api.run.RunControl;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.storage.FileStats;
import org.daqlab.api.storage.StorageStatus;
import org.daqlab.api.storage.StorageWriter;
import org.daqlab.api.storage.WriterStats;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the platform is doing, as one snapshot for the DAQ page, the status JSON and the inventory printer: the run,
 * the instruments, the writers (statistics from the core, settings from their services), the ring buffer, the
 * recent errors and the JVM's memory and threads. A snapshot is a tree of maps, lists, strings, numbers and
 * booleans, so that every view shows the same data under the same keys (snake_case, as in the configurations and
 * the ring's JSON documents).
 */
@Component(service = DaqStatus.class)
public final class DaqStatus {

    /**
     * Service properties of a writer that are no setting of it: the framework's, Declarative Services' and the
     * Web Console's own (besides these, DS's {@code osgi.ds.*} and private {@code .*} ones).
     */
    private static final Set<String> NOT_SETTINGS = Set.of(Constants.OBJECTCLASS, Constants.SERVICE_ID,
            Constants.SERVICE_PID, Constants.SERVICE_BUNDLEID, Constants.SERVICE_SCOPE, "service.factoryPid",
            "component.id", "component.name", "webconsole.configurationFactory.nameHint", StorageWriter.NAME,
            StorageWriter.FORMAT);

    private final RunControl runs;
    private final StorageStatus storage;
    private final RingBuffer ring;
    private final RecentErrors errors;
    private final List<Instrument> instruments = new CopyOnWriteArrayList<>();
    /** Writer settings by instance name, from the StorageWriter services' properties. */
    private final Map<ServiceReference<StorageWriter>, Map<String, Object>> writerSettings = new ConcurrentHashMap<>();

    @Activate
    public DaqStatus(@Reference RunControl runs, @Reference StorageStatus storage, @Reference RingBuffer ring,
            @Reference RecentErrors errors) {
        this.runs = runs;
        this.storage = storage;
        this.ring = ring;
        this.errors = errors;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindInstrument(Instrument instrument) {
        instruments.add(instrument);
    }

    void unbindInstrument(Instrument instrument) {
        instruments.remove(instrument);
    }

    /** Only the service's properties are read: the writer itself belongs to the core. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, service = StorageWriter.class)
    void bindWriter(ServiceReference<StorageWriter> writer) {
        writerSettings.put(writer, settings(writer));
    }

    void updatedWriter(ServiceReference<StorageWriter> writer) {
        writerSettings.put(writer, settings(writer));
    }

    void unbindWriter(ServiceReference<StorageWriter> writer) {
        writerSettings.remove(writer);
    }

    /** The run control the page starts and stops runs with. */
    public RunControl runs() {
        return runs;
    }

    /** A snapshot of everything. */
    public Map<String, Object> snapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        Instant now = Instant.now();
        out.put("time", now.toString());
        out.put("run", run());
        out.put("instruments", instruments());
        out.put("writers", writers());
        out.put("ring", ring(ring.stats()));
        out.put("errors", recentErrors());
        out.put("jvm", jvm());
        return out;
    }

    /**
     * The platform's JVM: heap, direct buffers and threads, so that a soak run from outside (run/bench's
     * {@code Soak}) can tell whether memory stays bounded; the process id lets it read the resident set size and
     * open files from {@code /proc}, which the JVM does not report.
     */
    static Map<String, Object> jvm() {
        Map<String, Object> m = new LinkedHashMap<>();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        m.put("pid", ProcessHandle.current().pid());
        m.put("uptime_ms", ManagementFactory.getRuntimeMXBean().getUptime());
        m.put("heap_used_bytes", heap.getUsed());
        m.put("heap_committed_bytes", heap.getCommitted());
        m.put("heap_max_bytes", heap.getMax());
        m.put("non_heap_used_bytes", ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed());
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            // "direct" (ByteBuffer.allocateDirect) and "mapped" (the ring file among others)
            m.put(pool.getName().replaceAll("\\W+", "_") + "_buffers_bytes", pool.getMemoryUsed());
        }
        m.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        m.put("gc_count", gcCount);
        m.put("gc_time_ms", gcMillis);
        return m;
    }

    private Map<String, Object> run() {
        Map<String, Object> out = new LinkedHashMap<>();
        Optional<RunStart> current = runs.currentRun();
        out.put("active", current.isPresent());
        current.ifPresent(r -> {
            out.put("name", r.name());
            out.put("uid", r.uid());
            out.put("started", Instant.ofEpochSecond(0, r.timestampNs()).toString());
            out.put("started_ns", r.timestampNs());
        });
        out.put("metadata", new TreeMap<>(runs.metadata()));
        return out;
    }

    private List<Map<String, Object>> instruments() {
        List<InstrumentStatus> all = new ArrayList<>();
        for (Instrument instrument : instruments) {
            all.add(instrument.status());
        }
        all.sort(Comparator.comparing(InstrumentStatus::id));
        List<Map<String, Object>> out = new ArrayList<>();
        for (InstrumentStatus s : all) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.id());
            m.put("kind", s.kind());
            m.put("state", s.state());
            m.put("streams", s.streams());
            m.put("batches", s.batches());
            m.put("rows", s.rows());
            m.put("rows_per_second", s.rowsPerSecond());
            m.put("last_value", s.lastValue());
            m.put("last_error", s.lastError());
            out.add(m);
        }
        return out;
    }

    private List<Map<String, Object>> writers() {
        Map<String, Map<String, Object>> settingsByName = new TreeMap<>();
        writerSettings.forEach((ref, settings) -> settingsByName.put(writerName(ref), settings));
        List<Map<String, Object>> out = new ArrayList<>();
        for (WriterStats w : storage.writers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", w.name());
            m.put("format", w.format());
            m.put("state", w.state().name());
            m.put("current_files", w.currentFiles());
            m.put("batches", w.batches());
            m.put("rows", w.rows());
            m.put("bytes_in", w.bytesIn());
            m.put("bytes_written", w.bytesWritten());
            m.put("mb_per_second", w.mbPerSecond());
            m.put("lag_bytes", w.lagBytes());
            m.put("records_lost", w.recordsLost());
            m.put("records_not_written", w.recordsNotWritten());
            m.put("last_error", w.lastError());
            m.put("retries", w.retries());
            m.put("notices", w.notices());
            List<Map<String, Object>> files = new ArrayList<>();
            for (FileStats f : w.completedFiles()) {
                Map<String, Object> file = new LinkedHashMap<>();
                file.put("path", f.path());
                file.put("stream", f.stream());
                file.put("rows", f.rows());
                file.put("bytes", f.bytes());
                files.add(file);
            }
            m.put("completed_files", files);
            m.put("settings", settingsByName.getOrDefault(w.name(), Map.of()));
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> ring(RingStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", s.path());
        m.put("capacity_bytes", s.capacityBytes());
        m.put("overflow_mode", s.overflowMode().name());
        m.put("fill", s.fill());
        m.put("write_position", s.writePosition());
        m.put("oldest_position", s.oldestPosition());
        m.put("records_published", s.recordsPublished());
        m.put("bytes_published", s.bytesPublished());
        m.put("block_timeouts", s.blockTimeouts());
        m.put("dead_readers_reclaimed", s.deadReadersReclaimed());
        m.put("abandoned_claims", s.abandonedClaims());
        m.put("configuration_error", s.configurationError());
        List<Map<String, Object>> readers = new ArrayList<>();
        long lost = 0;
        for (RingStats.ReaderStats r : s.readers()) {
            Map<String, Object> reader = new LinkedHashMap<>();
            reader.put("name", r.name());
            reader.put("process_id", r.processId());
            reader.put("position", r.position());
            reader.put("lag_bytes", r.lagBytes());
            // -1: a reader in another process does not report it
            reader.put("lost_records", r.lostRecords() < 0 ? null : r.lostRecords());
            reader.put("corrupt_records", r.corruptRecords() < 0 ? null : r.corruptRecords());
            readers.add(reader);
            lost += Math.max(0, r.lostRecords());
        }
        m.put("records_lost", lost);
        m.put("readers", readers);
        return m;
    }

    private List<Map<String, Object>> recentErrors() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RecentErrors.Entry e : errors.latest()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", e.time().toString());
            m.put("level", e.level());
            m.put("source", e.source());
            m.put("message", e.message());
            out.add(m);
        }
        return out;
    }

    private static String writerName(ServiceReference<StorageWriter> ref) {
        for (String key : new String[] {StorageWriter.NAME, "name", Constants.SERVICE_PID}) {
            Object v = ref.getProperty(key);
            if (v != null && !v.toString().isBlank()) {
                return v.toString();
            }
        }
        return String.valueOf(ref.getProperty(Constants.SERVICE_ID));
    }

    private static Map<String, Object> settings(ServiceReference<StorageWriter> ref) {
        Map<String, Object> settings = new TreeMap<>();
        for (String key : ref.getPropertyKeys()) {
            if (!NOT_SETTINGS.contains(key) && !key.startsWith("osgi.ds.") && !key.startsWith(".")) {
                Object value = ref.getProperty(key);
                settings.put(key, value instanceof Object[] array ? List.of(array) : value);
            }
        }
        return settings;
    }
}
