package org.daqlab.bench;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.daqlab.api.ring.OverflowMode;
import org.daqlab.api.ring.RecordHandler;
import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingClaim;
import org.daqlab.api.ring.RingReader;
import org.daqlab.ringbuffer.internal.MappedRing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One ring under test, carrying records with a {@value #PAYLOAD_BYTES}-byte payload from one or
 * more producer threads to one or more readers. Every ring gets the same payload bytes, whose first
 * eight bytes carry a value the reader adds up, so that every record is really read.
 */
abstract class SmallRecordChannel implements AutoCloseable {

    static final int PAYLOAD_BYTES = 64;
    /** How long a daqlab BLOCK producer waits for a reader: long enough that nothing is ever lost. */
    static final Duration BLOCK_TIMEOUT = Duration.ofMinutes(10);

    /** Sends records from one thread; get one per producing thread. */
    interface Producer {
        void send(long value);
    }

    /** A producer for the calling thread. */
    abstract Producer newProducer();

    /** Starts a reader thread that adds what it consumes to {@code consumed}, idling with {@link Backoff}. */
    final void startReader(String name, Consumed consumed) {
        startReader(name, consumed, IdleStrategy.backoff());
    }

    /**
     * Starts a reader thread that hands what it consumes to {@code consumed} and idles as
     * {@code idle} says (the Disruptor's reader idles with its wait strategy instead).
     */
    abstract void startReader(String name, Consumed consumed, IdleStrategy idle);

    /** Whether records can be lost (a reader lapped by producers). */
    abstract boolean lossy();

    @Override
    public abstract void close();

    /**
     * The ring named {@code kind}: {@code daqlab_block} ({@code publish}), {@code daqlab_block_claim}
     * ({@code claim}, copy the payload into the claimed buffer, {@code commit}), {@code daqlab_discard}
     * ({@code publish}), {@code agrona}
     * (one-to-one for one producer, many-to-one for more), {@code disruptor} (single- or
     * multi-producer); {@code capacityBytes} of data for daqlab and Agrona, as many
     * {@value #PAYLOAD_BYTES}-byte slots as fit in it for the Disruptor.
     */
    static SmallRecordChannel create(String kind, int producers, int capacityBytes) {
        return switch (kind) {
            case "daqlab_block" -> new Daqlab(OverflowMode.BLOCK, false, capacityBytes);
            case "daqlab_block_claim" -> new Daqlab(OverflowMode.BLOCK, true, capacityBytes);
            case "daqlab_discard" -> new Daqlab(OverflowMode.DISCARD_OLDEST, false, capacityBytes);
            case "agrona" -> new Agrona(producers, capacityBytes);
            case "disruptor" -> new LmaxDisruptor(producers, capacityBytes / PAYLOAD_BYTES);
            default -> throw new IllegalArgumentException("unknown ring " + kind);
        };
    }

    // ------------------------------------------------------------------ daqlab

    static final class Daqlab extends SmallRecordChannel {

        private final MappedRing ring;
        private final boolean lossy;
        private final boolean claim;
        private final List<PollingThread> readers = new ArrayList<>();
        private final List<RingReader> ringReaders = new ArrayList<>();

        Daqlab(OverflowMode mode, boolean claim, int capacityBytes) {
            this.ring = BenchFiles.newRing("daqlab-ring", capacityBytes, mode, BLOCK_TIMEOUT);
            this.lossy = mode == OverflowMode.DISCARD_OLDEST;
            this.claim = claim;
        }

        @Override
        Producer newProducer() {
            ByteBuffer payload = ByteBuffer.allocateDirect(PAYLOAD_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            if (claim) {
                return value -> {
                    payload.putLong(0, value);
                    try (RingClaim claimed = ring.claim(RecordType.BATCH, 1, value, value, PAYLOAD_BYTES)) {
                        claimed.buffer().put(0, payload, 0, PAYLOAD_BYTES);
                        claimed.commit();
                    }
                };
            }
            return value -> {
                payload.putLong(0, value);
                ring.publish(RecordType.BATCH, 1, value, value, payload);
            };
        }

        @Override
        void startReader(String name, Consumed consumed, IdleStrategy idle) {
            RingReader reader = ring.openReader(name);
            ringReaders.add(reader);
            // the payload view is big-endian (RingRecord.payload()); the bytes were written little-endian
            RecordHandler handler =
                    record -> consumed.accept(record.payload().order(ByteOrder.LITTLE_ENDIAN).getLong(0));
            PollingThread thread = new PollingThread(name, () -> reader.poll(handler, PollingThread.BATCH),
                    reader::lostRecords, consumed, idle);
            readers.add(thread);
            thread.start();
        }

        @Override
        boolean lossy() {
            return lossy;
        }

        @Override
        public void close() {
            readers.forEach(PollingThread::stopAndJoin);
            ringReaders.forEach(RingReader::close);
            ring.close();
        }
    }

    // ------------------------------------------------------------------ Agrona

    static final class Agrona extends SmallRecordChannel {

        private static final int MSG_TYPE = 1;

        private final org.agrona.concurrent.ringbuffer.RingBuffer ring;
        private PollingThread reader;

        Agrona(int producers, int capacityBytes) {
            UnsafeBuffer buffer = new UnsafeBuffer(
                    BenchFiles.mapNew("agrona-ring", capacityBytes + (long) RingBufferDescriptor.TRAILER_LENGTH));
            this.ring = producers == 1 ? new OneToOneRingBuffer(buffer) : new ManyToOneRingBuffer(buffer);
        }

        @Override
        Producer newProducer() {
            UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(PAYLOAD_BYTES));
            Backoff full = new Backoff();
            return value -> {
                payload.putLong(0, value);
                while (!ring.write(MSG_TYPE, payload, 0, PAYLOAD_BYTES)) {
                    full.idle();
                }
                full.reset();
            };
        }

        @Override
        void startReader(String name, Consumed consumed, IdleStrategy idle) {
            if (reader != null) {
                throw new IllegalStateException("an Agrona ring buffer has a single reader");
            }
            reader = new PollingThread(name,
                    () -> ring.read((type, buffer, index, length) -> consumed.accept(buffer.getLong(index)),
                            PollingThread.BATCH),
                    () -> 0, consumed, idle);
            reader.start();
        }

        @Override
        boolean lossy() {
            return false;
        }

        @Override
        public void close() {
            if (reader != null) {
                reader.stopAndJoin();
            }
        }
    }

    // ------------------------------------------------------------------ LMAX Disruptor

    static final class LmaxDisruptor extends SmallRecordChannel {

        private static final VarHandle LONGS =
                MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

        /** A pre-allocated event: the payload is copied into it. */
        static final class Slot {
            final byte[] payload = new byte[PAYLOAD_BYTES];
        }

        private final Disruptor<Slot> disruptor;
        private final com.lmax.disruptor.RingBuffer<Slot> ring;
        private BatchEventProcessor<Slot> processor;

        LmaxDisruptor(int producers, int slots) {
            if (Integer.bitCount(slots) != 1) {
                throw new IllegalArgumentException("Disruptor slots must be a power of two, got " + slots);
            }
            this.disruptor = new Disruptor<>(Slot::new, slots, runnable -> {
                Thread thread = new Thread(runnable, "disruptor-reader");
                thread.setDaemon(true);
                return thread;
            }, producers == 1 ? ProducerType.SINGLE : ProducerType.MULTI, new YieldingWaitStrategy());
            this.ring = disruptor.getRingBuffer();
        }

        @Override
        Producer newProducer() {
            byte[] payload = new byte[PAYLOAD_BYTES];
            return value -> {
                LONGS.set(payload, 0, value);
                long sequence = ring.next();
                System.arraycopy(payload, 0, ring.get(sequence).payload, 0, PAYLOAD_BYTES);
                ring.publish(sequence);
            };
        }

        @Override
        void startReader(String name, Consumed consumed, IdleStrategy idle) {
            if (processor != null) {
                throw new IllegalStateException("this benchmark gives the Disruptor a single reader");
            }
            processor = new BatchEventProcessorBuilder().setMaxBatchSize(PollingThread.BATCH).build(ring,
                    ring.newBarrier(), (Slot slot, long sequence, boolean endOfBatch) -> {
                        consumed.accept((long) LONGS.get(slot.payload, 0));
                        if (endOfBatch) {
                            consumed.publish(0);
                        }
                    });
            disruptor.handleEventsWith(processor);
            disruptor.start();
        }

        @Override
        boolean lossy() {
            return false;
        }

        @Override
        public void close() {
            disruptor.halt();
        }
    }
}
