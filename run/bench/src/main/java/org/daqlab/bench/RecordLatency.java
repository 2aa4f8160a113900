package org.daqlab.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.SingleWriterRecorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Benchmark 3: producer-to-reader latency of 64-byte records at {@value #RATE} records/s, daqlab's
 * ring against Agrona's {@code OneToOneRingBuffer}, in the same run.
 * <p>
 * Each iteration is one burst of {@value #RECORDS_PER_BURST} records sent at a fixed rate (the
 * producer parks, then spins to the next send time). The producer stamps {@code System.nanoTime()}
 * into the payload just before it publishes; the reader records {@code nanoTime() - stamp} into an
 * HdrHistogram when it is handed the record. Before the first burst, two laps of the ring are sent
 * unpaced, so that no burst pays for first-touch page faults. The reader either busy-spins ({@code spin}: a core of
 * its own, the lowest latency) or parks 1 ms whenever a poll finds nothing ({@code park1ms}: what
 * daqlab's writer threads do). daqlab's ring runs in its default mode, DISCARD_OLDEST; at this rate
 * it is never more than a few records full, so the mode makes no difference.
 * <p>
 * The JMH score is only the duration of a burst (≈ {@value #RECORDS_PER_BURST} / {@value #RATE} s:
 * it shows that the pacing held). The latencies are written per burst into histogram logs and
 * printed by {@link BenchMain} after the run (and by each fork as it goes).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, batchSize = 1)
@Measurement(iterations = 5, batchSize = 1)
@Fork(value = 2, jvmArgsAppend = {Jvm.OPEN_NIO, Jvm.NETTY_REFLECTION, Jvm.AGRONA_UNSAFE, Jvm.HEAP_MIN, Jvm.HEAP_MAX})
public class RecordLatency {

    /** System property naming the directory for the histogram logs (set by {@link BenchMain}). */
    static final String HISTOGRAM_DIR_PROPERTY = "daqlab.bench.latencyDir";

    static final int RATE = 10_000;
    static final int RECORDS_PER_BURST = 20_000;
    private static final long PERIOD_NANOS = 1_000_000_000L / RATE;
    /** Park only while more than this is left until the next send: parking overshoots by ~50 µs. */
    private static final long PARK_MARGIN_NANOS = 70_000;
    private static final long PARK_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    @Param({"daqlab", "agrona"})
    public String ring;

    @Param({"spin", "park1ms"})
    public String reader;

    @Param("4194304")
    public int capacityBytes;

    private SmallRecordChannel channel;
    private SmallRecordChannel.Producer producer;
    private LatencyConsumed consumed;
    private HistogramLogWriter log;
    private boolean measuring;
    private long sent;
    private long lateSends;
    private long lostBeforeBurst;

    /** Records the latency of every record into the recorder (single writer: the reader thread). */
    static final class LatencyConsumed extends Consumed {
        final SingleWriterRecorder recorder = new SingleWriterRecorder(TimeUnit.SECONDS.toNanos(10), 3);

        @Override
        void accept(long stamp) {
            recorder.recordValue(Math.max(0, System.nanoTime() - stamp));
            super.accept(stamp);
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        channel = switch (ring) {
            case "daqlab" -> SmallRecordChannel.create("daqlab_discard", 1, capacityBytes);
            case "agrona" -> SmallRecordChannel.create("agrona", 1, capacityBytes);
            default -> throw new IllegalArgumentException("unknown ring " + ring);
        };
        IdleStrategy idle = switch (reader) {
            case "spin" -> IdleStrategy.busySpin();
            case "park1ms" -> IdleStrategy.park(PARK_IDLE_NANOS);
            default -> throw new IllegalArgumentException("unknown reader " + reader);
        };
        consumed = new LatencyConsumed();
        channel.startReader("latency-reader", consumed, idle);
        producer = channel.newProducer();
        // Two laps of the ring before any burst: the first lap's page faults are not measured.
        long prefill = 2L * capacityBytes / SmallRecordChannel.PAYLOAD_BYTES;
        for (long i = 0; i < prefill; i++) {
            producer.send(System.nanoTime());
        }
        sent = prefill;
        consumed.awaitTotal(sent);
        consumed.recorder.reset();
        String directory = System.getProperty(HISTOGRAM_DIR_PROPERTY);
        if (directory != null) {
            Path file = Path.of(directory, ring + "@" + reader + "@" + ProcessHandle.current().pid()
                    + LatencyReport.SUFFIX);
            try {
                log = new HistogramLogWriter(file.toFile());
            } catch (FileNotFoundException e) {
                throw new UncheckedIOException(e);
            }
            log.outputLogFormatVersion();
            log.outputLegend();
        }
    }

    @Setup(Level.Iteration)
    public void startBurst(IterationParams iteration) {
        measuring = iteration.getType() == IterationType.MEASUREMENT;
        lateSends = 0;
        lostBeforeBurst = consumed.lostSoFar();
    }

    @Benchmark
    public void burst() {
        long next = System.nanoTime();
        for (int i = 0; i < RECORDS_PER_BURST; i++) {
            next += PERIOD_NANOS;
            long now;
            while ((now = System.nanoTime()) < next) {
                long left = next - now;
                if (left > PARK_MARGIN_NANOS) {
                    LockSupport.parkNanos(left - PARK_MARGIN_NANOS);
                } else {
                    Thread.onSpinWait();
                }
            }
            if (now - next > PERIOD_NANOS) {
                lateSends++;
            }
            producer.send(System.nanoTime());
        }
        sent += RECORDS_PER_BURST;
        consumed.awaitTotal(sent);
    }

    @TearDown(Level.Iteration)
    public void endBurst() {
        // the reader has handed out every record of the burst (awaitTotal), so the interval is complete
        Histogram histogram = consumed.recorder.getIntervalHistogram();
        long lost = consumed.lostSoFar() - lostBeforeBurst;
        if (lost != 0) {
            throw new IllegalStateException(ring + " lost " + lost + " records at " + RATE + "/s");
        }
        if (!measuring) {
            return;
        }
        System.out.printf("%n  burst: %d records, latency µs p50 %.1f p99 %.1f p99.9 %.1f max %.1f;"
                        + " %d sends more than one period late%n", histogram.getTotalCount(),
                histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
                histogram.getValueAtPercentile(99.9) / 1e3, histogram.getMaxValue() / 1e3, lateSends);
        if (log != null) {
            log.outputIntervalHistogram(histogram);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (log != null) {
            log.close();
        }
        channel.close();
    }
}
