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
 * cursor (counting what it could not write) so it never holds up producers or other writers;
 * during a run it tries a new segment after a delay that doubles with every failed attempt
 * (space may come back on a full disk), and at the next run in any case. A call into the writer
 * that does not return within the {@link FaultPolicy#stuckAfter() stuck limit} makes it STUCK:
 * reported, and not waited for when the run or the core stops.
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
    private final FaultPolicy faults;
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
    /** Delay before the last attempt to resume (zero: not failed since the last successful write). */
    private Duration retryDelay = Duration.ZERO;
    /** When to try a new segment after a failure during a run; 0: no attempt pending. */
    private long retryAtNanos;

    // --- published to other threads ---
    private volatile boolean stopRequested;
    private volatile WriterState state = WriterState.IDLE;
    private volatile String lastError;
    private volatile String closedRunUid;
    private volatile long flushedId;
    private volatile long lagBytes;
    private volatile long lost;
    private volatile Segment openSegment;
    private volatile long retries;
    /** The writer call in progress ({@code null}: none), since {@link #callStartedNanos}. */
    private volatile String call;
    private volatile long callStartedNanos;
    /** Whether the call in progress was reported as stuck. */
    private volatile boolean stuckReported;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong notWritten = new AtomicLong();
    private final AtomicLong committedBytes = new AtomicLong();
    private final Set<String> notices = new CopyOnWriteArraySet<>();
    private final List<FileStats> completedFiles = new CopyOnWriteArrayList<>();
    private final RateMeter rate = new RateMeter();

    WriterRunner(StorageWriter writer, WriterSettings settings, RingReader reader, RunSnapshot snapshot,
            BufferAllocator parentAllocator, Supplier<Path> platformOutputDir, OutputNames names, FaultPolicy faults) {
        this.writer = writer;
        this.settings = settings;
        this.reader = reader;
        this.allocator = parentAllocator.newChildAllocator("writer-" + settings.name(), 0, Long.MAX_VALUE);
        this.platformOutputDir = platformOutputDir;
        this.names = names;
        this.faults = faults;
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
     * files) and ends the thread; waits at most {@code timeout}, and no longer once the writer is
     * stuck. A stuck runner's thread is left alone (an interrupt would close the writer's file
     * channels under it); should the call return, it drains and closes like any other.
     *
     * @return whether the runner finished
     */
    boolean stop(Duration timeout) {
        stopRequested = true;
        LockSupport.unpark(thread);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (thread.isAlive() && System.nanoTime() - deadline < 0 && !isStuck()) {
                thread.join(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            return true;
        }
        if (isStuck()) {
            LOG.error("writer '{}' is stuck in {} since {} s: the core goes on without it; its current files stay under"
                    + " their {} names", settings.name(), call, secondsInCall(), Segment.TEMP_SUFFIX);
        } else {
            LOG.error("writer '{}' did not finish draining within {} s; its current files stay under their {} names",
                    settings.name(), timeout.toSeconds(), Segment.TEMP_SUFFIX);
        }
        return false;
    }

    /** Whether a call into the writer has not returned for longer than the stuck limit. */
    boolean isStuck() {
        String current = call;
        return current != null && System.nanoTime() - callStartedNanos >= faults.stuckAfter().toNanos();
    }

    /**
     * Reports a call that has not returned within the stuck limit, once per call (the watchdog's
     * check; the runner thread itself is the one that hangs).
     */
    void checkStuck() {
        if (isStuck() && !stuckReported) {
            stuckReported = true;
            String message = "writer '" + settings.name() + "' is stuck: " + call + " has not returned for "
                    + secondsInCall() + " s (limit stuck_writer_secs = " + faults.stuckAfter().toSeconds() + " of "
                    + StorageCore.PID + "). Its records wait in the ring, and a BLOCK ring no longer waits for it;"
                    + " stopping the run or the platform does not wait for it. Fix: find what the writer waits for"
                    + " (a thread dump shows thread " + thread.getName() + "), or stop its bundle";
            lastError = message;
            LOG.error(message);
        }
    }

    private long secondsInCall() {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - callStartedNanos);
    }

    /** A call into the writer (or its segment's files). */
    private interface WriterCall {
        void run() throws IOException;
    }

    /**
     * Makes a call into the writer that the stuck watchdog watches.
     *
     * @return what it threw, or {@code null}
     */
    private Exception call(String what, WriterCall c) {
        enter(what);
        try {
            c.run();
            return null;
        } catch (IOException | RuntimeException e) {
            return e;
        } finally {
            leave();
        }
    }

    /** Marks the start of a call into the writer, for the stuck watchdog. */
    private void enter(String what) {
        callStartedNanos = System.nanoTime();
        call = what;
    }

    private void leave() {
        String finished = call;
        call = null;
        if (stuckReported) {
            stuckReported = false;
            notice(finished + " returned after " + secondsInCall() + " s (reported stuck)");
        }
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
        return new WriterStats(settings.name(), settings.format(), isStuck() ? WriterState.STUCK : state,
                s == null ? List.of() : s.currentFiles(), batches.get(), rows.get(), bytesIn.get(), written,
                rate.mbPerSecond(written), lagBytes, lost, notWritten.get(), lastError, List.copyOf(notices),
                List.copyOf(completedFiles), retries);
    }

    // ------------------------------------------------------------------ runner thread

    private void loop() {
        try {
            if (run != null) {
                openSegment(1, true);
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
            RunWriter target = runWriter;
            Exception e = call("describe of stream '" + descriptor.stream() + "'",
                    () -> target.describe(withCurrentMetadata(descriptor)));
            if (e != null) {
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
        Exception failure = null;
        enter(stream.writeCall);
        try {
            runWriter.write(stream.descriptor.stream(), root);
        } catch (IOException | RuntimeException e) {
            failure = e;
        } finally {
            leave();
        }
        if (failure != null) {
            notWritten.incrementAndGet();
            fail("writing a batch of stream '" + stream.descriptor.stream() + "'", failure);
            return;
        }
        if (!retryDelay.isZero()) {
            retryDelay = Duration.ZERO;
            notice("resumed in segment " + segmentNumber + " after " + retries + " attempt(s); "
                    + notWritten.get() + " record(s) not written in all");
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
        retries = 0;
        retryDelay = Duration.ZERO;
        retryAtNanos = 0;
        openSegment(1, true);
    }

    private void onRunStop(RunStop stop) {
        if (runWriter != null) {
            closeSegment(stop);
        }
        if (state != WriterState.FAILED) {
            state = WriterState.IDLE;
        }
        run = null;
        retryAtNanos = 0; // the next run tries again in any case
        closedRunUid = stop.uid();
    }

    private void onMetadata(MetadataUpdate update) {
        if (update.isRunLevel()) {
            runMetadata.put(update.key(), update.value());
        } else {
            instrumentMetadata.computeIfAbsent(update.instrumentId(), k -> new LinkedHashMap<>()).put(update.key(), update.value());
        }
        if (runWriter != null) {
            RunWriter target = runWriter;
            Exception e = call("metadata '" + update.key() + "'", () -> target.metadata(update));
            if (e != null) {
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
        long now = System.nanoTime();
        if (runWriter == null) {
            if (retryAtNanos != 0 && now - retryAtNanos >= 0 && run != null && !stopRequested) {
                retryAtNanos = 0;
                retries++;
                boolean newVersion = !settings.rotates(); // else the segment number names the new files
                LOG.warn("writer '{}' tries to resume with segment {} of run '{}' (attempt {})", settings.name(),
                        segmentNumber + 1, run.name(), retries);
                openSegment(segmentNumber + 1, newVersion);
            }
            return;
        }
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
        RunWriter target = runWriter;
        Exception e = call("flush", () -> {
            target.flush();
            segment.sync();
        });
        if (e != null) {
            fail("flushing", e);
        }
    }

    private void rotate() {
        int next = segmentNumber + 1;
        closeSegment(null);
        if (state != WriterState.FAILED) {
            openSegment(next, false);
        }
    }

    /** @param newVersion whether the segment's files take a new {@code {version}} (a run's first segment, a resumption) */
    private void openSegment(int number, boolean newVersion) {
        try {
            Path directory = Segment.prepareDirectory(outputDirectory(), settings);
            if (newVersion) {
                version = names.reserveVersion(directory,
                        settings.template(), FileNameTemplate.runValues(run.name(), run.uid(), run.timestampNs(), settings.name()),
                        settings.format());
            }
            segmentNumber = number;
            segment = new Segment(run, number, runMetadata, settings, directory, version, allocator, this::notice);
            openSegment = segment;
            state = WriterState.WRITING;
            enter("open of segment " + number);
            try {
                runWriter = writer.open(segment);
            } finally {
                leave();
            }
            for (StreamState s : streams.values()) {
                if (settings.accepts(s.descriptor.stream())) {
                    enter("describe of stream '" + s.descriptor.stream() + "'");
                    try {
                        runWriter.describe(withCurrentMetadata(s.descriptor));
                    } finally {
                        leave();
                    }
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
        Exception e = call("close of segment " + segmentNumber, () -> {
            closing.close(stop);
            commit();
        });
        if (e == null) {
            state = WriterState.IDLE;
        } else {
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
     * close keep their temporary names and are reported. During a run, an attempt to resume with a
     * new segment is scheduled.
     */
    private void fail(String doing, Throwable e) {
        String message = "writer '" + settings.name() + "' failed " + doing + ": " + describe(e) + fixIfDiskFull(e);
        lastError = message;
        state = WriterState.FAILED;
        LOG.error(message, e);
        if (run != null) {
            retryDelay = faults.nextRetry(retryDelay);
            retryAtNanos = System.nanoTime() + retryDelay.toNanos();
            LOG.warn("writer '{}' tries a new segment in {} s; records until then are counted as not written",
                    settings.name(), retryDelay.toSeconds());
        }
        RunWriter failed = runWriter;
        runWriter = null;
        boolean closed = false;
        if (failed != null) {
            closed = call("close of failed segment " + segmentNumber, () -> {
                failed.close(null);
                if (segment != null) {
                    commit();
                }
            }) == null;
        }
        if (!closed && segment != null) {
            LOG.error("writer '{}': files of the failed segment keep their temporary names: {}",
                    settings.name(), segment.rowsByFile().keySet());
        }
        segment = null;
        openSegment = null;
    }

    /**
     * The fix for a full disk, whichever writer hit it and wherever (writing a batch, building a file
     * at close, a sidecar): writers name the file and the file system's reason, the core knows that it
     * retries.
     */
    private String fixIfDiskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.contains("No space left on device")) {
                return describe(e).contains("Fix:") ? "" : ". Fix: free space in " + outputDirectory()
                        + " (the writer tries a new segment while the run goes on) or set output_dir of writer '"
                        + settings.name() + "' to another file system";
            }
        }
        return "";
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
        /** What the stuck watchdog names while a batch of this stream is being written. */
        final String writeCall;
        private VectorSchemaRoot root;

        StreamState(StreamDescriptor descriptor) {
            this.descriptor = descriptor;
            this.writeCall = "write of a batch of stream '" + descriptor.stream() + "'";
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
