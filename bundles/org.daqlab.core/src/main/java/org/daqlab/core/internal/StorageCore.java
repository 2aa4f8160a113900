package org.daqlab.core.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Field;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.instrument.DataPublisher;
import org.daqlab.api.instrument.StreamPublisher;
import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingBuffer;
import org.daqlab.api.ring.RingClaim;
import org.daqlab.api.ring.RingReader;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunControl;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.StorageStatus;
import org.daqlab.api.storage.StorageWriter;
import org.daqlab.api.storage.WriterState;
import org.daqlab.api.storage.WriterStats;
import org.daqlab.arrow.ipc.BatchMessage;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

/**
 * The storage core: publishes streams and run documents into the ring, and runs one
 * {@link WriterRunner} per StorageWriter service (the whiteboard). Every document is published
 * under one lock, which is also held while a new runner's cursor is opened and the state it joins
 * with is copied, so a writer that appears mid-run misses nothing.
 */
@Component(
        configurationPid = StorageCore.PID,
        service = {RunControl.class, DataPublisher.class, StorageStatus.class},
        immediate = true)
@Designate(ocd = CoreConfig.class)
public final class StorageCore implements RunControl, DataPublisher, StorageStatus {

    static final String PID = "org.daqlab.core";
    /** Framework property: output directory, overriding the configuration (set by {@code --output}). */
    static final String OUTPUT_DIR_PROPERTY = "daqlab.output.dir";
    /** Framework property: comma-separated writer formats or names to run (set by {@code --writers}). */
    static final String WRITERS_PROPERTY = "daqlab.writers";
    /** In a writer selection: every installed writer, whatever the default backend. */
    static final String ALL_WRITERS = "all";

    private static final Logger LOG = LoggerFactory.getLogger(StorageCore.class);

    private final RingBuffer ring;
    private final BufferAllocator allocator;
    private final ReentrantLock documents = new ReentrantLock();
    /**
     * Batches are published under the read lock; a run's start and stop documents under the write
     * lock, so the rows counted for a run are exactly the batches between its documents in the ring.
     */
    private final ReentrantReadWriteLock runBoundary = new ReentrantReadWriteLock();
    private final Map<Integer, StreamHandle> openStreams = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> instrumentMetadata = new HashMap<>();
    private final Map<String, Object> runMetadata = new LinkedHashMap<>();
    private final Map<String, WriterRunner> runners = new ConcurrentHashMap<>();
    private final Map<String, WriterStats> departed = new ConcurrentHashMap<>();
    private final Map<StorageWriter, Map<String, Object>> pendingWriters = new LinkedHashMap<>();
    private final Map<StorageWriter, String> runnerNames = new ConcurrentHashMap<>();
    /** Writers whose settings were refused, by the name their FAILED statistics are shown under. */
    private final Map<StorageWriter, String> rejectedWriters = new ConcurrentHashMap<>();
    private final Map<Integer, Long> rowsAtRunStart = new HashMap<>();
    /** Rows the current run got from streams closed since it started, by stream name. */
    private final Map<String, Long> rowsOfClosedStreams = new HashMap<>();
    private final OutputNames names = new OutputNames();
    private final AtomicLong flushIds = new AtomicLong();
    private final AtomicLong documentSequence = new AtomicLong();
    private int nextStreamId = 1;
    private RunStart currentRun;
    private volatile boolean active;
    private volatile Path outputDir;
    private Predicate<WriterSettings> enabled;
    private Duration stopTimeout = Duration.ofSeconds(60);
    private FaultPolicy faults;
    /** Reports writers stuck in a call: their own threads are the ones that hang. */
    private ScheduledExecutorService watchdog;

    @Activate
    public StorageCore(@Reference RingBuffer ring, @Reference BufferAllocator rootAllocator) {
        this.ring = ring;
        this.allocator = rootAllocator.newChildAllocator("daqlab-core", 0, Long.MAX_VALUE);
    }

    @Activate
    void activate(BundleContext context, CoreConfig config) {
        String dir = context.getProperty(OUTPUT_DIR_PROPERTY);
        outputDir = Path.of(dir != null && !dir.isBlank() ? dir : config.output__dir()).toAbsolutePath();
        String selected = context.getProperty(WRITERS_PROPERTY);
        Set<String> only = new TreeSet<>();
        Arrays.stream(selected != null && !selected.isBlank() ? selected.split(",") : config.writers())
                .map(String::trim).filter(s -> !s.isEmpty()).forEach(only::add);
        if (only.isEmpty() && !config.default__backend().isBlank()) {
            only.add(config.default__backend().trim());
        }
        enabled = s -> only.isEmpty() || only.contains(ALL_WRITERS) || only.contains(s.format()) || only.contains(s.name());
        stopTimeout = Duration.ofSeconds(Math.max(1, config.stop__timeout__secs()));
        faults = FaultPolicy.of(config);
        watchdog = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "daqlab-writer-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        watchdog.scheduleWithFixedDelay(() -> runners.values().forEach(WriterRunner::checkStuck), 1, 1, TimeUnit.SECONDS);
        LOG.info("storage core: output directory {}, writers {}", outputDir, only.isEmpty() ? "all" : only);
        synchronized (pendingWriters) {
            active = true;
            pendingWriters.forEach(this::startRunner);
            pendingWriters.clear();
        }
        boolean timedRun = context.getProperty(TimedAcquisition.DURATION_PROPERTY) != null;
        if (config.continuous__run() && !timedRun) {
            start(config.continuous__run__name(), Map.of("mode", "continuous"));
        }
    }

    @Deactivate
    void deactivate() {
        if (currentRun().isPresent()) {
            stop("storage core stopping (platform shutdown or reconfiguration)", RunStop.ExitStatus.ABORT);
        }
        synchronized (pendingWriters) {
            active = false;
        }
        for (WriterRunner runner : new ArrayList<>(runners.values())) {
            runner.stop(stopTimeout);
        }
        runners.clear();
        watchdog.shutdownNow();
        documents.lock();
        try {
            new ArrayList<>(openStreams.values()).forEach(StreamHandle::release);
        } finally {
            documents.unlock();
        }
        try {
            allocator.close();
        } catch (IllegalStateException stuckWriterMemory) {
            // a stuck writer's runner still holds its allocator; the core stops without it
            LOG.error("storage core: Arrow memory of a writer that did not finish stays allocated: {}",
                    stuckWriterMemory.getMessage());
        }
    }

    // ------------------------------------------------------------------ writer whiteboard

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindWriter(StorageWriter writer, Map<String, Object> properties) {
        synchronized (pendingWriters) {
            if (active) {
                startRunner(writer, properties);
            } else {
                pendingWriters.put(writer, properties);
            }
        }
    }

    void unbindWriter(StorageWriter writer) {
        synchronized (pendingWriters) {
            pendingWriters.remove(writer);
        }
        String rejected = rejectedWriters.remove(writer);
        if (rejected != null) {
            departed.remove(rejected);
        }
        String name = runnerNames.remove(writer);
        WriterRunner runner = name == null ? null : runners.get(name);
        if (runner != null) {
            // The writer's service is going away (bundle stopped, configuration deleted): drain
            // what the ring holds for it and close its files while the writer is still usable.
            runner.stop(stopTimeout);
            departed.put(name, runner.stats());
            runners.remove(name, runner);
            LOG.info("writer '{}' left; its files are closed", name);
        }
    }

    private void startRunner(StorageWriter writer, Map<String, Object> properties) {
        WriterSettings settings;
        try {
            settings = WriterSettings.of(writer, properties);
        } catch (IllegalArgumentException e) {
            // Shown as a FAILED writer too, so that the console and daq:writers say why it does not write,
            // not only the log.
            String name = String.valueOf(properties.getOrDefault(StorageWriter.NAME,
                    properties.getOrDefault("name", properties.get("component.name"))));
            LOG.error("writer service {} is not used: {}", name, e.getMessage());
            rejectedWriters.put(writer, name);
            departed.put(name, new WriterStats(name, writer.format(), WriterState.FAILED, List.of(), 0, 0, 0, 0, 0, 0, 0,
                    0, "configuration rejected, the writer does not run: " + e.getMessage(), List.of(), List.of(), 0));
            return;
        }
        if (!enabled.test(settings)) {
            LOG.info("writer '{}' ({}) is installed but not selected (--writers / writers)", settings.name(), settings.format());
            return;
        }
        if (runners.containsKey(settings.name())) {
            LOG.error("two writers are named '{}': the one from {} is not used; give it another name", settings.name(),
                    settings.pid());
            return;
        }
        documents.lock();
        try {
            RingReader reader = ring.openReader("writer:" + settings.name());
            RunSnapshot snapshot = new RunSnapshot(currentRun, Map.copyOf(runMetadata), descriptors(),
                    copyOf(instrumentMetadata));
            WriterRunner runner = new WriterRunner(writer, settings, reader, snapshot, allocator, () -> outputDir, names,
                    faults);
            runners.put(settings.name(), runner);
            runnerNames.put(writer, settings.name());
            departed.remove(settings.name());
            runner.start();
        } finally {
            documents.unlock();
        }
        LOG.info("writer '{}' ({}) joined{}", settings.name(), settings.format(),
                currentRun == null ? "" : " run '" + currentRun.name() + "'");
    }

    // ------------------------------------------------------------------ RunControl

    @Override
    public RunStart start(String name, Map<String, Object> metadata) {
        DocumentText.check("run name", name);
        DocumentText.checkMetadata("run metadata", metadata);
        documents.lock();
        try {
            if (currentRun != null) {
                throw new IllegalStateException("run '" + currentRun.name() + "' is active since "
                        + Instant.ofEpochSecond(0, currentRun.timestampNs()) + ": stop it first");
            }
            Map<String, Object> all = new LinkedHashMap<>(runMetadata);
            metadata.forEach((k, v) -> all.put(k, RecordCodec.normalizeValue(v)));
            RunStart start = new RunStart(UUID.randomUUID().toString(), now(), name, all);
            runMetadata.clear();
            runMetadata.putAll(all);
            runBoundary.writeLock().lock();
            try {
                rowsAtRunStart.clear();
                openStreams.forEach((id, s) -> rowsAtRunStart.put(id, s.rowsPublished()));
                rowsOfClosedStreams.clear();
                publishDocument(RecordType.RUN_START, RecordCodec.encodeRunStart(start));
            } finally {
                runBoundary.writeLock().unlock();
            }
            currentRun = start;
            LOG.info("run '{}' started ({})", name, start.uid());
            return start;
        } finally {
            documents.unlock();
        }
    }

    @Override
    public Optional<RunStop> stop(String reason) {
        return stop(reason, RunStop.ExitStatus.SUCCESS);
    }

    Optional<RunStop> stop(String reason, RunStop.ExitStatus status) {
        RunStop stop;
        documents.lock();
        try {
            if (currentRun == null) {
                return Optional.empty();
            }
            runBoundary.writeLock().lock();
            try {
                Map<String, Long> rows = new LinkedHashMap<>(rowsOfClosedStreams);
                openStreams.forEach((id, s) -> rows.merge(s.descriptor().stream(), s.rowsOfRun(), Long::sum));
                stop = new RunStop(currentRun.uid(), now(), status, reason, rows);
                publishDocument(RecordType.RUN_STOP, RecordCodec.encodeRunStop(stop));
            } finally {
                runBoundary.writeLock().unlock();
            }
            LOG.info("run '{}' stopping: {}", currentRun.name(), reason);
            currentRun = null;
        } finally {
            documents.unlock();
        }
        awaitRunners(r -> r.hasClosedRun(stop.uid()), "close run " + stop.uid());
        return Optional.of(stop);
    }

    @Override
    public Optional<RunStart> currentRun() {
        documents.lock();
        try {
            return Optional.ofNullable(currentRun);
        } finally {
            documents.unlock();
        }
    }

    @Override
    public void setMetadata(String key, Object value) {
        DocumentText.checkMetadata("run metadata", Collections.singletonMap(key, value));
        publishMetadata(new MetadataUpdate(null, key, RecordCodec.normalizeValue(value), now()));
    }

    @Override
    public void setInstrumentMetadata(String instrumentId, String key, Object value) {
        StreamDescriptor.checkName("instrument id", instrumentId);
        DocumentText.checkMetadata("metadata of instrument '" + instrumentId + "'", Collections.singletonMap(key, value));
        publishMetadata(new MetadataUpdate(instrumentId, key, RecordCodec.normalizeValue(value), now()));
    }

    @Override
    public Map<String, Object> metadata() {
        documents.lock();
        try {
            return Map.copyOf(runMetadata);
        } finally {
            documents.unlock();
        }
    }

    @Override
    public void flush() {
        long id = flushIds.incrementAndGet();
        documents.lock();
        try {
            ring.publish(RecordType.FLUSH, 0, id, now(), ByteBuffer.wrap(RecordCodec.encodeName("flush", Long.toString(id))));
        } finally {
            documents.unlock();
        }
        awaitRunners(r -> r.hasFlushed(id), "flush");
    }

    private void publishMetadata(MetadataUpdate update) {
        documents.lock();
        try {
            if (update.isRunLevel()) {
                runMetadata.put(update.key(), update.value());
            } else {
                instrumentMetadata.computeIfAbsent(update.instrumentId(), k -> new LinkedHashMap<>())
                        .put(update.key(), update.value());
            }
            publishDocument(RecordType.METADATA, RecordCodec.encodeMetadata(update));
        } finally {
            documents.unlock();
        }
    }

    private void awaitRunners(Predicate<WriterRunner> done, String what) {
        long deadline = System.nanoTime() + stopTimeout.toNanos();
        for (WriterRunner runner : new ArrayList<>(runners.values())) {
            while (!done.test(runner)) {
                if (runner.isStuck()) {
                    LOG.error("writer '{}' is stuck: not waiting for it to {}", runner.name(), what);
                    break;
                }
                if (System.nanoTime() > deadline) {
                    LOG.error("writer '{}' did not {} within {} s", runner.name(), what, stopTimeout.toSeconds());
                    break;
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    // ------------------------------------------------------------------ StorageStatus

    @Override
    public List<WriterStats> writers() {
        Map<String, WriterStats> all = new HashMap<>(departed);
        runners.forEach((name, runner) -> all.put(name, runner.stats()));
        List<WriterStats> list = new ArrayList<>(all.values());
        list.sort(Comparator.comparing(WriterStats::name));
        return list;
    }

    // ------------------------------------------------------------------ DataPublisher

    @Override
    public StreamPublisher openStream(StreamDescriptor descriptor) {
        DocumentText.checkMetadata("metadata of instrument '" + descriptor.instrumentId() + "'", descriptor.metadata());
        documents.lock();
        try {
            for (StreamHandle open : openStreams.values()) {
                if (open.descriptor().stream().equals(descriptor.stream())) {
                    throw new IllegalArgumentException("stream '" + descriptor.stream() + "' is already open (instrument '"
                            + open.descriptor().instrumentId() + "'): give each instrument its own stream name");
                }
            }
            int id = nextStreamId++;
            ring.publish(RecordType.DESCRIPTOR, id, 0, now(), ByteBuffer.wrap(RecordCodec.encodeDescriptor(descriptor)));
            StreamHandle handle = new StreamHandle(id, descriptor);
            openStreams.put(id, handle);
            instrumentMetadata.computeIfAbsent(descriptor.instrumentId(), k -> new LinkedHashMap<>(descriptor.metadata()));
            LOG.info("stream '{}' of instrument '{}' opened", descriptor.stream(), descriptor.instrumentId());
            return handle;
        } finally {
            documents.unlock();
        }
    }

    private void publishDocument(RecordType type, byte[] json) {
        ring.publish(type, 0, documentSequence.getAndIncrement(), now(), ByteBuffer.wrap(json));
    }

    private Map<Integer, StreamDescriptor> descriptors() {
        Map<Integer, StreamDescriptor> out = new LinkedHashMap<>();
        openStreams.forEach((id, s) -> out.put(id, s.descriptor()));
        return out;
    }

    private static Map<String, Map<String, Object>> copyOf(Map<String, Map<String, Object>> m) {
        Map<String, Map<String, Object>> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, Map.copyOf(v)));
        return out;
    }

    private static long now() {
        return StreamSchemas.timestampNs(Instant.now());
    }

    /** An open stream: checks and serialises batches into the ring. */
    private final class StreamHandle implements StreamPublisher {
        private final int id;
        private final StreamDescriptor descriptor;
        private final AtomicLong sequence = new AtomicLong();
        private final AtomicLong rows = new AtomicLong();
        private volatile boolean closed;

        StreamHandle(int id, StreamDescriptor descriptor) {
            this.id = id;
            this.descriptor = descriptor;
        }

        @Override
        public StreamDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public synchronized long publish(VectorSchemaRoot batch) {
            if (closed) {
                throw new IllegalStateException("stream '" + descriptor.stream() + "' is closed");
            }
            if (!batch.getSchema().getFields().equals(descriptor.schema().getFields())) {
                throw new IllegalArgumentException("batch for stream '" + descriptor.stream() + "' has columns "
                        + batch.getSchema().getFields() + " but the stream was opened with " + descriptor.schema().getFields()
                        + firstDifference(batch.getSchema().getFields(), descriptor.schema().getFields())
                        + ": open a new stream for a new schema");
            }
            if (batch.getRowCount() == 0) {
                // Usually a forgotten setRowCount: say so, as every other rejection names its fix.
                throw new IllegalArgumentException("batch for stream '" + descriptor.stream() + "' has no rows: "
                        + "call setRowCount on it after filling its vectors, and publish only batches that hold rows");
            }
            // The batch's buffers are copied once, from the vectors straight into the claimed record.
            try (ArrowRecordBatch unloaded = new VectorUnloader(batch).getRecordBatch()) {
                BatchMessage message = BatchMessage.of(unloaded);
                if (message.size() > ring.maxPayloadBytes()) {
                    throw new IllegalArgumentException(String.format(
                            "batch of %.1f MB for stream '%s' is larger than the ring buffer's largest record (%.1f MB): "
                                    + "publish fewer rows per batch or raise capacity_mb of org.daqlab.ringbuffer",
                            message.size() / 1e6, descriptor.stream(), ring.maxPayloadBytes() / 1e6));
                }
                runBoundary.readLock().lock();
                try {
                    long seq = sequence.get();
                    try (RingClaim claim = ring.claim(RecordType.BATCH, id, seq, now(), (int) message.size())) {
                        message.writeTo(claim.buffer());
                        claim.commit();
                    }
                    rows.addAndGet(batch.getRowCount());
                    return sequence.getAndIncrement();
                } finally {
                    runBoundary.readLock().unlock();
                }
            }
        }

        /**
         * Where two column lists first differ, with the field metadata (units, ranges) that Arrow's
         * {@code Field.toString} leaves out, so that a changed unit does not read as two equal lists.
         */
        private static String firstDifference(List<Field> batch, List<Field> stream) {
            for (int i = 0; i < Math.max(batch.size(), stream.size()); i++) {
                Field b = i < batch.size() ? batch.get(i) : null;
                Field s = i < stream.size() ? stream.get(i) : null;
                if (b == null || !b.equals(s)) {
                    return " (column " + (i + 1) + ": " + describe(b) + " in the batch, " + describe(s) + " in the stream)";
                }
            }
            return "";
        }

        private static String describe(Field field) {
            return field == null ? "none" : "'" + field.getName() + "' " + field.getType() + " nullable=" + field.isNullable()
                    + " metadata " + field.getMetadata() + (field.getChildren().isEmpty() ? "" : " children " + field.getChildren());
        }

        @Override
        public void setMetadata(String key, Object value) {
            setInstrumentMetadata(descriptor.instrumentId(), key, value);
        }

        @Override
        public long batchesPublished() {
            return sequence.get();
        }

        @Override
        public long rowsPublished() {
            return rows.get();
        }

        /** Rows published since the current run started (all of them if the stream opened during it). */
        long rowsOfRun() {
            return rows.get() - rowsAtRunStart.getOrDefault(id, 0L);
        }

        /**
         * Synchronized like {@link #publish}, so that a batch being published is in the ring before
         * the stream's closing record and counted among the run's rows.
         */
        @Override
        public synchronized void close() {
            documents.lock();
            try {
                if (openStreams.remove(id) != null) {
                    ring.publish(RecordType.STREAM_CLOSED, id, 0, now(),
                            ByteBuffer.wrap(RecordCodec.encodeName("stream", descriptor.stream())));
                    if (currentRun != null) {
                        // the stop document counts the run's rows of every stream, closed ones too
                        rowsOfClosedStreams.merge(descriptor.stream(), rowsOfRun(), Long::sum);
                    }
                }
                release();
            } finally {
                documents.unlock();
            }
        }

        void release() {
            closed = true;
            openStreams.remove(id);
        }
    }
}
