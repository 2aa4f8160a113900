package org.daqlab.driver.sim.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.instrument.DataPublisher;
import org.daqlab.api.instrument.Instrument;
import org.daqlab.api.instrument.InstrumentStatus;
import org.daqlab.api.instrument.StreamPublisher;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one simulated instrument: opens its stream, generates and publishes batches on one daemon
 * thread ({@code daqlab-sim-<instrument id>}) paced by the instrument's {@link SampleClock}, and
 * reports its {@link InstrumentStatus}.
 *
 * <p>Batch {@code k} holds samples {@code k·R .. k·R+R-1} ({@code R} rows per batch) and is published
 * when its last sample is due. One {@link VectorSchemaRoot}, allocated once for a full batch from a
 * child allocator named after the instrument, is refilled for every batch; the publisher copies it.
 *
 * <p>A batch whose publication fails is lost, like a real instrument's overflowed buffer: the sample
 * indices move on, so readers see the gap in timestamps and frame numbers. The error is logged once
 * per distinct message, shown in the status, and the next batch is tried on schedule.
 *
 * <p>Status states: {@code RUNNING}; {@code FAILED} while the latest batch could not be published or
 * after the thread ended on an unexpected error; {@code STOPPED} once {@link #stop()} was called.
 */
final class SimulatedInstrument implements Instrument {

    /** Target filter for the root allocator service registered by the org.daqlab.arrow bundle. */
    static final String ROOT_ALLOCATOR = "(allocator.name=root)";

    // Values of InstrumentStatus.state().
    static final String RUNNING = "RUNNING";
    static final String STOPPED = "STOPPED";
    static final String FAILED = "FAILED";

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedInstrument.class);

    /** How long stop() waits for the thread to finish the batch in hand before interrupting it. */
    private static final long STOP_TIMEOUT_MS = 5_000;
    /** How long stop() waits after interrupting a thread that did not stop in time. */
    private static final long INTERRUPTED_STOP_TIMEOUT_MS = 1_000;
    private static final long RATE_WINDOW_NS = TimeUnit.SECONDS.toNanos(5);
    /** How far behind its sample clock the instrument may fall before a warning is logged. */
    private static final long LAG_WARNING_NS = TimeUnit.SECONDS.toNanos(1);
    /** Distinct error messages remembered as already logged; bounds memory if messages vary. */
    private static final int LOGGED_ERRORS_REMEMBERED = 64;

    private final SampleSource source;
    private final BufferAllocator allocator;
    private final StreamPublisher stream;
    private final SampleClock clock;
    private final RateMeter rate;
    private final Thread thread;

    // Used by the acquisition thread only.
    private final Set<String> loggedErrors = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > LOGGED_ERRORS_REMEMBERED;
        }
    });
    private long lastFreeRunningTimestampNs = Long.MIN_VALUE;
    private boolean lagReported;

    // Written by the acquisition thread only (so plain increments are safe), read by status().
    private volatile long batches;
    private volatile long rows;
    private volatile long lastPublishedSample = -1;
    private volatile boolean latestBatchFailed;
    private volatile String lastError;

    private volatile boolean stopRequested;

    private SimulatedInstrument(SampleSource source, BufferAllocator allocator, StreamPublisher stream) {
        this.source = source;
        this.allocator = allocator;
        this.stream = stream;
        this.clock = SampleClock.startingNow(source.sampleRateHz());
        this.rate = new RateMeter(RATE_WINDOW_NS, System.nanoTime());
        this.thread = new Thread(this::acquire, threadName(source.instrumentId()));
        thread.setDaemon(true);
    }

    /**
     * Takes a child allocator from {@code rootAllocator}, opens the source's stream and starts
     * generating.
     *
     * @throws IllegalArgumentException if the publisher refuses the stream (e.g. its name is taken);
     *                                  nothing is left open
     */
    static SimulatedInstrument start(SampleSource source, DataPublisher publisher, BufferAllocator rootAllocator) {
        BufferAllocator allocator = rootAllocator.newChildAllocator(threadName(source.instrumentId()), 0,
                Long.MAX_VALUE);
        StreamPublisher stream = null;
        try {
            stream = publisher.openStream(source.descriptor());
            source.opened(stream);
            SimulatedInstrument instrument = new SimulatedInstrument(source, allocator, stream);
            instrument.thread.start();
            LOG.info("{} ({}) started: {} rows per batch, {}", source.instrumentId(), source.kind(),
                    source.rowsPerBatch(), source.sampleRateHz() == 0 ? "as fast as possible"
                            : source.sampleRateHz() + " samples/s");
            return instrument;
        } catch (RuntimeException e) {
            if (stream != null) {
                stream.close();
            }
            allocator.close();
            throw e;
        }
    }

    /** Registers this instrument as an {@link Instrument} service with its {@value Instrument#ID}. */
    ServiceRegistration<Instrument> register(BundleContext context) {
        return context.registerService(Instrument.class, this, FrameworkUtil.asDictionary(Map.of(Instrument.ID, id())));
    }

    /**
     * Stops generating, waiting a bounded time for the thread to end, then closes the stream and the
     * allocator.
     *
     * <p>The thread is woken from its wait for the next sample with {@link LockSupport#unpark}, not
     * interrupted: an interrupt that arrives while it is inside {@link StreamPublisher#publish} would
     * close any interruptible channel the publisher writes through ({@code ClosedByInterruptException};
     * Arrow's IPC writer uses one). Only a thread that has not ended after {@value #STOP_TIMEOUT_MS} ms,
     * i.e. one stuck in a publish, is interrupted.
     */
    void stop() {
        stopRequested = true;
        LockSupport.unpark(thread);
        boolean ended = awaitEnd(STOP_TIMEOUT_MS);
        if (!ended) {
            thread.interrupt();
            ended = awaitEnd(INTERRUPTED_STOP_TIMEOUT_MS);
        }
        if (!ended) {
            LOG.warn("{}: thread {} did not end, even when interrupted; closing its stream anyway", id(),
                    thread.getName());
        }
        stream.close();
        try {
            allocator.close();
        } catch (IllegalStateException leak) {
            LOG.error("{}: Arrow memory still allocated at stop: {}", id(), leak.getMessage());
        }
        LOG.info("{} stopped after {} batches, {} rows", id(), batches, rows);
    }

    private boolean awaitEnd(long timeoutMs) {
        try {
            thread.join(timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // keep the caller's interrupt; stop() goes on closing
        }
        return !thread.isAlive();
    }

    @Override
    public String id() {
        return source.instrumentId();
    }

    @Override
    public InstrumentStatus status() {
        long lastSample = lastPublishedSample;
        return new InstrumentStatus(id(), source.kind(), state(), List.of(source.descriptor().stream()), batches, rows,
                rate.perSecond(System.nanoTime()), lastSample < 0 ? null : source.describe(lastSample), lastError);
    }

    private String state() {
        if (stopRequested) {
            return STOPPED;
        }
        return latestBatchFailed || !thread.isAlive() ? FAILED : RUNNING;
    }

    static String threadName(String instrumentId) {
        return "daqlab-sim-" + instrumentId;
    }

    /** The acquisition thread's body. */
    private void acquire() {
        try (VectorSchemaRoot batch = VectorSchemaRoot.create(source.descriptor().schema(), allocator)) {
            int rowsPerBatch = source.rowsPerBatch();
            allocateFullBatch(batch, rowsPerBatch);
            BigIntVector timestamps = (BigIntVector) batch.getVector(StreamSchemas.TIMESTAMP_NS);
            for (long first = 0; ; first += rowsPerBatch) {
                long last = first + rowsPerBatch - 1;
                if (!awaitSample(last)) {
                    return;
                }
                try {
                    stamp(timestamps, first, rowsPerBatch);
                    source.fill(batch, first);
                    batch.setRowCount(rowsPerBatch);
                    stream.publish(batch);
                    published(last, rowsPerBatch);
                } catch (RuntimeException e) {
                    batchFailed(e);
                }
            }
        } catch (RuntimeException | Error e) {
            lastError = message(e);
            LOG.error("{}: generating data failed, the instrument stops: {}", id(), lastError, e);
        }
    }

    /** Sizes every vector for a full batch once, so refilling never reallocates. */
    private static void allocateFullBatch(VectorSchemaRoot batch, int rowsPerBatch) {
        for (FieldVector vector : batch.getFieldVectors()) {
            vector.setInitialCapacity(rowsPerBatch); // a frame column sizes its pixel vector for rows × H × W
            vector.allocateNew();
        }
    }

    /**
     * Waits until sample {@code sampleIndex} is due on the sample clock (not at all when free-running).
     *
     * @return {@code false} if the instrument is to stop instead
     */
    private boolean awaitSample(long sampleIndex) {
        if (clock.isFreeRunning()) {
            return !stopRequested;
        }
        long due = clock.dueNanoTime(sampleIndex);
        long remaining;
        // parkNanos also returns on unpark, interrupt or spuriously: re-check the absolute deadline.
        while ((remaining = due - System.nanoTime()) > 0 && !stopRequested) {
            LockSupport.parkNanos(this, remaining);
        }
        if (stopRequested) {
            return false;
        }
        if (Thread.currentThread().isInterrupted()) {
            // Nobody but stop() should interrupt this thread; honour it rather than spin in parkNanos.
            lastError = "the acquisition thread was interrupted";
            LOG.warn("{}: {}; the instrument stops", id(), lastError);
            return false;
        }
        if (!lagReported && -remaining > LAG_WARNING_NS) {
            lagReported = true;
            LOG.warn("{} cannot keep up with its sample rate ({} samples/s): batches are published more than {} s "
                    + "after their samples are due", id(), source.sampleRateHz(),
                    TimeUnit.NANOSECONDS.toSeconds(LAG_WARNING_NS));
        }
        return true;
    }

    /**
     * Writes the timestamps of a batch: from the sample clock, or when free-running the current time,
     * kept strictly increasing (1 ns apart within a batch) so rows stay ordered and distinct.
     */
    private void stamp(BigIntVector timestamps, long firstSample, int rowCount) {
        if (clock.isFreeRunning()) {
            long now = clock.nowEpochNs();
            for (int row = 0; row < rowCount; row++) {
                lastFreeRunningTimestampNs = Math.max(now, lastFreeRunningTimestampNs + 1);
                timestamps.set(row, lastFreeRunningTimestampNs);
            }
        } else {
            for (int row = 0; row < rowCount; row++) {
                timestamps.set(row, clock.timestampNs(firstSample + row));
            }
        }
    }

    private void published(long lastSample, int rowCount) {
        batches++;
        rows += rowCount;
        lastPublishedSample = lastSample;
        latestBatchFailed = false;
        rate.add(rowCount, System.nanoTime());
    }

    private void batchFailed(RuntimeException e) {
        String message = message(e);
        lastError = message;
        latestBatchFailed = true;
        if (loggedErrors.add(message)) {
            LOG.error("{}: a batch could not be published and is lost (further batches are still tried; "
                    + "this message is logged once): {}", id(), message, e);
        }
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
