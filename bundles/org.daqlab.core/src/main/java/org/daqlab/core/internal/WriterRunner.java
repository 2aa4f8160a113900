package org.daqlab.core.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.ring.RingReader;
import org.daqlab.api.ring.RingRecord;
import org.daqlab.api.storage.FileStats;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.StorageWriter;
import org.daqlab.api.storage.WriterState;
import org.daqlab.api.storage.WriterStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Drives one writer instance: its own thread and ring cursor, decoding records and calling the
 * writer's {@link RunWriter} for each segment; flush on an interval and on demand, rotation by
 * size and duration, statistics. A writer that throws is marked FAILED and keeps draining its
 * cursor (counting what it could not write) so it never holds up producers or other writers; it
 * tries again at the next run.
 */
final class WriterRunner {

    private static final Logger LOG = LoggerFactory.getLogger(WriterRunner.class);
    private static final int POLL_BATCH = 256;
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SIZE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final StorageWriter writer;
    private final WriterSettings settings;
    private final RingReader reader;
    private final BufferAllocator allocator;
    private final Supplier<Path> platformOutputDir;
    private final OutputNames names;
    private final Thread thread;

    // --- state owned by the runner thread ---
    private final Map<Integer, StreamState> streams = new HashMap<>();
    private final Map<String, Map<String, Object>> instrumentMetadata = new HashMap<>();
    private final Map<String, Object> runMetadata = new LinkedHashMap<>();
    private RunStart run;
    private Segment segment;
    private RunWriter runWriter;
    private int segmentNumber;
    private int version;
    private long lastFlushNanos;
    private long lastSizeCheckNanos;
    private long drainTarget = -1;

    // --- published to other threads ---
    private volatile boolean stopRequested;
    private volatile WriterState state = WriterState.IDLE;
    private volatile String lastError;
    private volatile String closedRunUid;
    private volatile long flushedId;
    private volatile long lagBytes;
    private volatile long lost;
    private volatile Segment openSegment;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong notWritten = new AtomicLong();
    private final AtomicLong committedBytes = new AtomicLong();
    private final Set<String> notices = new CopyOnWriteArraySet<>();
    private final List<FileStats> completedFiles = new CopyOnWriteArrayList<>();
    private final RateMeter rate = new RateMeter();

    WriterRunner(StorageWriter writer, WriterSettings settings, RingReader reader, RunSnapshot snapshot,
            BufferAllocator parentAllocator, Supplier<Path> platformOutputDir, OutputNames names) {
        this.writer = writer;
        this.settings = settings;
        this.reader = reader;
        this.allocator = parentAllocator.newChildAllocator("writer-" + settings.name(), 0, Long.MAX_VALUE);
        this.platformOutputDir = platformOutputDir;
        this.names = names;
        snapshot.streams().forEach((id, d) -> streams.put(id, new StreamState(d)));
        snapshot.instrumentMetadata().forEach((k, v) -> instrumentMetadata.put(k, new LinkedHashMap<>(v)));
        runMetadata.putAll(snapshot.runMetadata());
        this.run = snapshot.run();
        this.thread = new Thread(this::loop, "daqlab-writer-" + settings.name());
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    String name() {
        return settings.name();
    }

    /**
     * Drains what the ring holds for this writer up to now, closes the segment (renaming its
     * files) and ends the thread; waits at most {@code timeout}.
     *
     * @return whether the runner finished within the timeout
     */
    boolean stop(Duration timeout) {
        stopRequested = true;
        LockSupport.unpark(thread);
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.error("writer '{}' did not finish draining within {} s; its current files stay under their {} names",
                    settings.name(), timeout.toSeconds(), Segment.TEMP_SUFFIX);
            return false;
        }
        return true;
    }

    /** Whether this runner has closed (or could not write) the run with {@code uid}. */
    boolean hasClosedRun(String uid) {
        return uid.equals(closedRunUid) || !thread.isAlive();
    }

    /** Whether this runner has handled flush request {@code id}. */
    boolean hasFlushed(long id) {
        return flushedId >= id || !thread.isAlive();
    }

    WriterStats stats() {
        Segment s = openSegment;
        long current = s == null ? 0 : s.bytesOnDisk();
        long written = committedBytes.get() + current;
        return new WriterStats(settings.name(), settings.format(), state, s == null ? List.of() : s.currentFiles(),
                batches.get(), rows.get(), bytesIn.get(), written, rate.mbPerSecond(written), lagBytes, lost,
                notWritten.get(), lastError, List.copyOf(notices), List.copyOf(completedFiles));
    }

    // ------------------------------------------------------------------ runner thread

    private void loop() {
        try {
            if (run != null) {
                openSegment(1);
            }
            while (true) {
                if (stopRequested && drainTarget < 0) {
                    drainTarget = reader.position() + reader.lagBytes();
                }
                int n = reader.poll(this::onRecord, POLL_BATCH);
                lagBytes = reader.lagBytes();
                lost = reader.lostRecords();
                housekeeping();
                if (drainTarget >= 0 && (reader.position() >= drainTarget || n == 0)) {
                    break;
                }
                if (n == 0) {
                    LockSupport.parkNanos(IDLE_PARK_NANOS);
                }
            }
            if (runWriter != null) {
                closeSegment(null);
            }
        } catch (RuntimeException | Error e) {
            LOG.error("writer '{}' runner stopped unexpectedly", settings.name(), e);
            lastError = "runner stopped: " + e;
        } finally {
            state = state == WriterState.FAILED ? WriterState.FAILED : WriterState.STOPPED;
            reader.close();
            streams.values().forEach(StreamState::close);
            streams.clear();
            try {
                allocator.close();
            } catch (IllegalStateException leak) {
                LOG.warn("writer '{}' left Arrow memory allocated: {}", settings.name(), leak.getMessage());
            }
        }
    }

    private void onRecord(RingRecord record) {
        try {
            switch (record.type()) {
                case DESCRIPTOR -> onDescriptor(record);
                case BATCH -> onBatch(record);
                case RUN_START -> onRunStart(RecordCodec.decodeRunStart(record.payload()));
                case RUN_STOP -> onRunStop(RecordCodec.decodeRunStop(record.payload()));
                case METADATA -> onMetadata(RecordCodec.decodeMetadata(record.payload()));
                case STREAM_CLOSED -> onStreamClosed(record.streamId());
                case FLUSH -> onFlush(record.sequence());
                default -> {
                    // padding never reaches handlers; unknown types are the ring's to report
                }
            }
        } catch (IOException | RuntimeException e) {
            // A record that does not decode (garbage written into the ring by another process) is
            // skipped and counted; the runner goes on with the next one.
            notWritten.incrementAndGet();
            LOG.error("writer '{}': cannot decode {} record {} of stream {} at ring position {}, skipped: {}",
                    settings.name(), record.type(), record.index(), record.streamId(), record.position(), e.toString());
            lastError = "cannot decode " + record.type() + " record at ring position " + record.position() + ": " + e;
        }
    }

    private void onDescriptor(RingRecord record) throws IOException {
        StreamDescriptor descriptor = RecordCodec.decodeDescriptor(record.payload());
        StreamState previous = streams.put(record.streamId(), new StreamState(descriptor));
        if (previous != null) {
            previous.close();
        }
        instrumentMetadata.computeIfAbsent(descriptor.instrumentId(), k -> new LinkedHashMap<>(descriptor.metadata()));
        if (runWriter != null && settings.accepts(descriptor.stream())) {
            try {
                runWriter.describe(withCurrentMetadata(descriptor));
            } catch (IOException | RuntimeException e) {
                fail("describing stream '" + descriptor.stream() + "'", e);
            }
        }
    }

    private void onBatch(RingRecord record) throws IOException {
        if (run == null) {
            return; // between runs data flows to live readers only
        }
        StreamState stream = streams.get(record.streamId());
        if (stream == null || !settings.accepts(stream.descriptor.stream())) {
            return;
        }
        if (runWriter == null) {
            notWritten.incrementAndGet();
            return;
        }
        VectorSchemaRoot root = stream.root(allocator);
        RecordCodec.decodeBatch(record.payload(), allocator, root);
        try {
            runWriter.write(stream.descriptor.stream(), root);
        } catch (IOException | RuntimeException e) {
            notWritten.incrementAndGet();
            fail("writing a batch of stream '" + stream.descriptor.stream() + "'", e);
            return;
        }
        batches.incrementAndGet();
        rows.addAndGet(root.getRowCount());
        bytesIn.addAndGet(record.payload().remaining());
    }

    private void onRunStart(RunStart start) {
        if (runWriter != null) {
            closeSegment(null); // a start without stop: close what we have rather than mix runs
        }
        run = start;
        runMetadata.clear();
        runMetadata.putAll(start.metadata());
        completedFiles.clear();
        notices.clear();
        lastError = null;
        openSegment(1);
    }

    private void onRunStop(RunStop stop) {
        if (runWriter != null) {
            closeSegment(stop);
        }
        if (state != WriterState.FAILED) {
            state = WriterState.IDLE;
        }
        run = null;
        closedRunUid = stop.uid();
    }

    private void onMetadata(MetadataUpdate update) {
        if (update.isRunLevel()) {
            runMetadata.put(update.key(), update.value());
        } else {
            instrumentMetadata.computeIfAbsent(update.instrumentId(), k -> new LinkedHashMap<>()).put(update.key(), update.value());
        }
        if (runWriter != null) {
            try {
                runWriter.metadata(update);
            } catch (IOException | RuntimeException e) {
                fail("recording metadata '" + update.key() + "'", e);
            }
        }
    }

    private void onStreamClosed(int streamId) {
        StreamState stream = streams.remove(streamId);
        if (stream != null) {
            stream.close();
        }
    }

    private void onFlush(long id) {
        flush();
        flushedId = id;
    }

    private void housekeeping() {
        if (runWriter == null) {
            return;
        }
        long now = System.nanoTime();
        if (settings.autoFlushSeconds() > 0 && now - lastFlushNanos >= TimeUnit.SECONDS.toNanos(settings.autoFlushSeconds())) {
            flush();
        }
        if (runWriter != null && settings.rotationSeconds() > 0 && segment.ageSeconds() >= settings.rotationSeconds()) {
            rotate();
        } else if (runWriter != null && settings.rotationBytes() > 0 && now - lastSizeCheckNanos >= SIZE_CHECK_NANOS) {
            lastSizeCheckNanos = now;
            if (segment.bytesOnDisk() >= settings.rotationBytes()) {
                rotate();
            }
        }
    }

    private void flush() {
        lastFlushNanos = System.nanoTime();
        if (runWriter == null) {
            return;
        }
        try {
            runWriter.flush();
            segment.sync();
        } catch (IOException | RuntimeException e) {
            fail("flushing", e);
        }
    }

    private void rotate() {
        int next = segmentNumber + 1;
        closeSegment(null);
        if (state != WriterState.FAILED) {
            openSegment(next);
        }
    }

    private void openSegment(int number) {
        try {
            Path directory = Segment.prepareDirectory(outputDirectory(), settings);
            if (number == 1) {
                version = names.reserveVersion(directory,
                        settings.template(), FileNameTemplate.runValues(run.name(), run.uid(), run.timestampNs(), settings.name()),
                        settings.format());
            }
            segmentNumber = number;
            segment = new Segment(run, number, runMetadata, settings, directory, version, allocator, this::notice);
            openSegment = segment;
            state = WriterState.WRITING;
            runWriter = writer.open(segment);
            for (StreamState s : streams.values()) {
                if (settings.accepts(s.descriptor.stream())) {
                    runWriter.describe(withCurrentMetadata(s.descriptor));
                }
            }
            lastFlushNanos = System.nanoTime();
            lastSizeCheckNanos = lastFlushNanos;
            LOG.info("writer '{}' opened segment {} of run '{}' in {}", settings.name(), number, run.name(), directory);
        } catch (IOException | RuntimeException e) {
            fail("opening segment " + number + " of run '" + run.name() + "'", e);
        }
    }

    private void closeSegment(RunStop stop) {
        state = WriterState.CLOSING;
        RunWriter closing = runWriter;
        runWriter = null;
        try {
            closing.close(stop);
            commit();
            state = WriterState.IDLE;
        } catch (IOException | RuntimeException e) {
            fail("closing segment " + segmentNumber, e);
        }
    }

    private void commit() throws IOException {
        List<FileStats> done = segment.commit();
        for (FileStats f : done) {
            committedBytes.addAndGet(f.bytes());
            completedFiles.add(f);
            LOG.info("writer '{}' completed {} ({} rows, {} bytes)", settings.name(), f.path(), f.rows(), f.bytes());
        }
        segment = null;
        openSegment = null;
    }

    /**
     * Marks the writer FAILED and abandons the segment: the writer is closed if it can be, and the
     * files it closed are committed so that what was written stays readable; files it could not
     * close keep their temporary names and are reported.
     */
    private void fail(String doing, Throwable e) {
        String message = "writer '" + settings.name() + "' failed " + doing + ": " + describe(e);
        lastError = message;
        state = WriterState.FAILED;
        LOG.error(message, e);
        RunWriter failed = runWriter;
        runWriter = null;
        boolean closed = false;
        if (failed != null) {
            try {
                failed.close(null);
                closed = true;
                if (segment != null) {
                    commit();
                }
            } catch (IOException | RuntimeException closeError) {
                closed = false;
            }
        }
        if (!closed && segment != null) {
            LOG.error("writer '{}': files of the failed segment keep their temporary names: {}",
                    settings.name(), segment.rowsByFile().keySet());
        }
        segment = null;
        openSegment = null;
    }

    private void notice(String message) {
        if (notices.add(message)) {
            LOG.info("writer '{}': {}", settings.name(), message);
        }
    }

    private Path outputDirectory() {
        return settings.outputDir().isBlank() ? platformOutputDir.get() : Path.of(settings.outputDir());
    }

    private StreamDescriptor withCurrentMetadata(StreamDescriptor d) {
        Map<String, Object> current = instrumentMetadata.get(d.instrumentId());
        if (current == null || current.equals(d.metadata())) {
            return d;
        }
        Map<String, Object> merged = new LinkedHashMap<>(d.metadata());
        merged.putAll(current);
        return new StreamDescriptor(d.stream(), d.instrumentId(), d.schema(), merged);
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.toString() : m;
    }

    /** A stream as this runner knows it, with the vectors it decodes the stream's batches into. */
    private static final class StreamState {
        final StreamDescriptor descriptor;
        private VectorSchemaRoot root;

        StreamState(StreamDescriptor descriptor) {
            this.descriptor = descriptor;
        }

        VectorSchemaRoot root(BufferAllocator allocator) {
            if (root == null) {
                root = VectorSchemaRoot.create(descriptor.schema(), allocator);
            }
            return root;
        }

        void close() {
            if (root != null) {
                root.close();
                root = null;
            }
        }
    }

    /** MB/s over the last interval of at least one second between statistics snapshots. */
    private static final class RateMeter {
        private long lastNanos = System.nanoTime();
        private long lastBytes;
        private double mbPerSecond;

        synchronized double mbPerSecond(long bytes) {
            long now = System.nanoTime();
            if (now - lastNanos >= TimeUnit.SECONDS.toNanos(1)) {
                mbPerSecond = Math.max(0, bytes - lastBytes) / 1e6 / ((now - lastNanos) / 1e9);
                lastNanos = now;
                lastBytes = bytes;
            }
            return mbPerSecond;
        }
    }

    @Override
    public String toString() {
        return "WriterRunner[" + settings.name() + "]";
    }

}
