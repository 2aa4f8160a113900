package org.daqlab.bench;

import org.daqlab.api.ring.OverflowMode;
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
import java.util.concurrent.locks.LockSupport;

/**
 * Benchmark 4: three fast readers and, with {@code slowReader=true}, a fourth that sleeps 1 ms per
 * record, on one daqlab ring in DISCARD_OLDEST mode. The baseline is the same ring with the three
 * fast readers only ({@code slowReader=false}), in the same run. Goal: the fast readers' throughput
 * is unchanged by the slow one.
 * <p>
 * One invocation publishes {@value #RECORDS} records of a 64-byte payload as fast as the ring
 * takes them and returns when each fast reader has come through all of them (read or lost): the
 * score is records per second through the ring to every fast reader. Secondary counters: records
 * each fast reader got and lost, per second (average of the three). Four busy threads (producer
 * and three fast readers) share this machine's two cores; the slow reader mostly sleeps.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(SlowReaderIsolation.RECORDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 4, jvmArgsAppend = {Jvm.OPEN_NIO, Jvm.NETTY_REFLECTION, Jvm.AGRONA_UNSAFE, Jvm.HEAP_MIN, Jvm.HEAP_MAX})
public class SlowReaderIsolation {

    public static final int RECORDS = 1 << 18;
    static final int FAST_READERS = 3;
    private static final long SLOW_READER_NANOS_PER_RECORD = TimeUnit.MILLISECONDS.toNanos(1);

    @Param({"false", "true"})
    public boolean slowReader;

    /** 64 MiB: the fast readers are rarely lapped. */
    @Param("67108864")
    public int capacityBytes;

    private SmallRecordChannel.Daqlab channel;
    private SmallRecordChannel.Producer producer;
    private final Consumed[] fast = new Consumed[FAST_READERS];
    private Consumed slow;
    private long nextValue;

    /** Per fast reader (the average of the three), per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class FastReader {
        public long delivered;
        public long lost;

        @Setup(Level.Iteration)
        public void reset() {
            delivered = 0;
            lost = 0;
        }
    }

    /** Sleeps for every record it is handed. */
    static final class SleepingConsumed extends Consumed {
        @Override
        void accept(long firstLong) {
            LockSupport.parkNanos(SLOW_READER_NANOS_PER_RECORD);
            super.accept(firstLong);
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        channel = new SmallRecordChannel.Daqlab(OverflowMode.DISCARD_OLDEST, false, capacityBytes);
        for (int i = 0; i < FAST_READERS; i++) {
            fast[i] = new Consumed();
            channel.startReader("fast-" + i, fast[i]);
        }
        if (slowReader) {
            slow = new SleepingConsumed();
            channel.startReader("slow", slow);
        }
        producer = channel.newProducer();
    }

    @Benchmark
    public void publish(FastReader counters) {
        long deliveredBefore = 0;
        long lostBefore = 0;
        for (Consumed reader : fast) {
            deliveredBefore += reader.deliveredSoFar();
            lostBefore += reader.lostSoFar();
        }
        for (int i = 0; i < RECORDS; i++) {
            producer.send(nextValue++);
        }
        long delivered = 0;
        long lost = 0;
        for (Consumed reader : fast) {
            reader.awaitTotal(nextValue);
            delivered += reader.deliveredSoFar();
            lost += reader.lostSoFar();
        }
        counters.delivered += (delivered - deliveredBefore) / FAST_READERS;
        counters.lost += (lost - lostBefore) / FAST_READERS;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (slow != null) {
            System.out.printf("%n  slow reader: %d records read, %d lost%n", slow.deliveredSoFar(), slow.lostSoFar());
        }
        channel.close();
    }
}
