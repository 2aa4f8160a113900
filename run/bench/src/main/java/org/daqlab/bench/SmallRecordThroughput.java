package org.daqlab.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Benchmark 1: records of a 64-byte payload from one or two producers to one reader, in records
 * per second, for daqlab's ring against Agrona and the LMAX Disruptor.
 * <p>
 * One invocation sends {@value #RECORDS} records (split evenly between the producers: the
 * benchmark thread and, for two, a {@link SideProducer}) and returns when the reader has consumed
 * all of them, so the score is end-to-end throughput. The reader adds up the first eight bytes of
 * every payload, and the sums are checked. With two producers there are three busy threads on
 * this two-core machine.
 * <ul>
 * <li>{@code daqlab_block}: BLOCK with a 10-minute timeout and the reader registered, so nothing is
 * lost (checked), like the baselines; the payload is {@code publish}ed from a direct buffer;</li>
 * <li>{@code daqlab_block_claim}: the same, but {@code claim}, copy the payload into the claimed
 * buffer, {@code commit} (the zero-copy API; for 64 bytes the copy is the same);</li>
 * <li>{@code daqlab_discard}: DISCARD_OLDEST; the {@code lost} counter reports what the reader lost;</li>
 * <li>{@code agrona}: {@code OneToOneRingBuffer} / {@code ManyToOneRingBuffer} on an
 * {@code UnsafeBuffer} over a mapped file of the same data capacity;</li>
 * <li>{@code disruptor}: single/multi producer, {@code YieldingWaitStrategy}, the payload copied into
 * pre-allocated 64-byte events, as many as fit in the same capacity.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(SmallRecordThroughput.RECORDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 4, jvmArgsAppend = {Jvm.OPEN_NIO, Jvm.NETTY_REFLECTION, Jvm.AGRONA_UNSAFE, Jvm.HEAP_MIN, Jvm.HEAP_MAX})
public class SmallRecordThroughput {

    /** Records per invocation, all producers together. */
    public static final int RECORDS = 1 << 18;

    @Param({"daqlab_block", "daqlab_block_claim", "daqlab_discard", "agrona", "disruptor"})
    public String ring;

    @Param({"1", "2"})
    public int producers;

    /** Data capacity of every ring: 4 MiB. */
    @Param("4194304")
    public int capacityBytes;

    private SmallRecordChannel channel;
    private SmallRecordChannel.Producer producer;
    private SideProducer side;
    private Consumed consumed;
    private long nextValue;
    private long target;

    /** Reported per second, like the score: records the reader got, and records it lost. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Records {
        public long delivered;
        public long lost;

        @Setup(Level.Iteration)
        public void reset() {
            delivered = 0;
            lost = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        if (producers < 1 || producers > 2) {
            throw new IllegalArgumentException("1 or 2 producers, got " + producers);
        }
        channel = SmallRecordChannel.create(ring, producers, capacityBytes);
        consumed = new Consumed();
        channel.startReader("reader", consumed);
        producer = channel.newProducer();
        if (producers == 2) {
            side = new SideProducer(channel, "producer-2");
            side.start();
        }
    }

    @Benchmark
    public void transfer(Records records) {
        long before = consumed.deliveredSoFar();
        long lostBefore = consumed.lostSoFar();
        int own = RECORDS / producers;
        if (side != null) {
            side.request(RECORDS - own);
        }
        for (int i = 0; i < own; i++) {
            producer.send(nextValue++);
        }
        target += RECORDS;
        consumed.awaitTotal(target);
        records.delivered += consumed.deliveredSoFar() - before;
        records.lost += consumed.lostSoFar() - lostBefore;
    }

    /** Every record arrived exactly once, unless the ring may lose some. */
    @TearDown(Level.Iteration)
    public void check() {
        if (channel.lossy()) {
            return;
        }
        long sideSent = side == null ? 0 : side.sent();
        long expectedSum = triangle(nextValue) + triangle(sideSent);
        if (consumed.deliveredSoFar() != target || consumed.sum != expectedSum) {
            throw new IllegalStateException(ring + ": reader got " + consumed.deliveredSoFar() + " records of "
                    + target + ", checksum " + consumed.sum + " instead of " + expectedSum);
        }
    }

    /** 0 + 1 + ... + (n - 1). */
    private static long triangle(long n) {
        return n * (n - 1) / 2;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (side != null) {
            side.stopAndJoin();
        }
        channel.close();
    }
}
