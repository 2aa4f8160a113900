package org.daqlab.ringbuffer.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.daqlab.api.ring.OverflowMode;
import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingClaim;
import org.daqlab.api.ring.RingReader;
import org.daqlab.api.ring.RingRecord;
import org.daqlab.ringbuffer.internal.Payloads.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32;

/**
 * {@link MappedRing} with producers and readers on different threads. The futures' timeouts only
 * keep a broken build from hanging; nothing asserts on time.
 */
class MappedRingConcurrencyTest {

    /** Bounds every wait, so that a bug fails the test instead of hanging the build. */
    private static final long HANG_GUARD_SECONDS = 120;
    private static final Duration GENEROUS_BLOCK_TIMEOUT = Duration.ofSeconds(HANG_GUARD_SECONDS);

    @TempDir
    Path dir;

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private MappedRing create(long capacity, OverflowMode mode, Duration blockTimeout) throws IOException {
        return MappedRing.create(dir.resolve("ring.dat"), capacity, mode, blockTimeout);
    }

    /** A 4 KiB ring releases space record by record; a 1 MiB one in chunks, which BLOCK waits for. */
    @ParameterizedTest
    @CsvSource({"4096, 100, 2000, 50", "1048576, 60000, 100, 5"})
    void blockModeWithASlowReaderLosesNothing(long capacity, int payload, int records, int laps) throws Exception {
        try (MappedRing ring = create(capacity, OverflowMode.BLOCK, GENEROUS_BLOCK_TIMEOUT);
                RingReader reader = ring.openReader("slow")) {
            Future<List<Long>> read = threads.submit(() -> {
                List<Long> indices = new ArrayList<>();
                try {
                    while (indices.isEmpty() || indices.get(indices.size() - 1) < records - 1) {
                        reader.poll(record -> {
                            assertTrue(Payloads.isDerived(record.payload(), record.index()));
                            indices.add(record.index());
                        }, 4);
                        LockSupport.parkNanos(100_000); // slow: a few records at a time, with pauses
                    }
                } finally {
                    reader.close(); // a failed reader must not keep the producer waiting
                }
                return indices;
            });
            for (int i = 0; i < records; i++) {
                ring.publish(RecordType.BATCH, 1, i, i, Payloads.derived(i, payload));
            }

            List<Long> indices = read.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);

            assertEquals(records, indices.size());
            for (int i = 0; i < records; i++) {
                assertEquals(i, indices.get(i));
            }
            assertEquals(0, reader.lostRecords());
            assertEquals(0, ring.stats().blockTimeouts());
            assertTrue(ring.stats().writePosition() > laps * capacity, "the producer lapped the ring while blocked");
        }
    }

    /** A hung reader costs producers one timeout: it is not waited for again while its cursor stays put. */
    @Test
    void blockModeGivesUpAfterTheTimeoutOnceAndCountsIt() throws IOException {
        try (MappedRing ring = create(4096, OverflowMode.BLOCK, Duration.ofMillis(10));
                RingReader neverReads = ring.openReader("stuck")) {
            int fitting = 4096 / 64;
            for (int i = 0; i < fitting; i++) {
                ring.publish(RecordType.BATCH, 1, i, i, ByteBuffer.allocate(24)); // 64-byte records
            }
            assertEquals(0, ring.stats().blockTimeouts());

            for (int i = fitting; i < fitting + 3; i++) {
                ring.publish(RecordType.BATCH, 1, i, i, ByteBuffer.allocate(24));
            }

            assertEquals(1, ring.stats().blockTimeouts(), "only the first record that needed its space waited");
            List<Received> left = Payloads.drain(neverReads);
            assertEquals(3, neverReads.lostRecords());
            assertEquals(fitting, left.size());
            assertEquals(3, left.get(0).index());
        }
    }

    /**
     * The timeout is long enough that a producer throttled to one record per timeout (the behaviour this
     * replaces) would need hours for the records published here; the hang guard fails the test then.
     */
    @Test
    void aHungReaderDoesNotThrottleProducersToOneRecordPerTimeout() throws Exception {
        try (MappedRing ring = create(4096, OverflowMode.BLOCK, Duration.ofSeconds(2));
                RingReader hung = ring.openReader("hung");
                RingReader live = ring.openReader("live")) {
            int records = 20 * (4096 / 64); // twenty laps of 64-byte records
            Future<Integer> consumer = threads.submit(() -> {
                int received = 0;
                while (received < records) {
                    int n = live.poll(record -> { }, 100);
                    received += n;
                    if (n == 0) {
                        LockSupport.parkNanos(10_000);
                    }
                }
                return received;
            });
            Future<?> producer = threads.submit(() -> {
                for (int i = 0; i < records; i++) {
                    ring.publish(RecordType.BATCH, 1, i, i, ByteBuffer.allocate(24));
                }
            });
            producer.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
            assertEquals(records, consumer.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS));

            assertEquals(1, ring.stats().blockTimeouts(), "one timeout for the hung reader, then it is not waited for");
            assertEquals(0, live.lostRecords(), "the producer still waited for the reader that reads");
            Payloads.drain(hung);
            assertEquals(records - 4096 / 64, hung.lostRecords());
        }
    }

    /**
     * A reader that made a producer time out is waited for again as soon as it reads on. The timeout is
     * generous so that the reader thread of the last part never misses it on a loaded machine.
     */
    @Test
    void aStalledReaderThatReadsOnIsWaitedForAgain() throws Exception {
        try (MappedRing ring = create(4096, OverflowMode.BLOCK, Duration.ofSeconds(2));
                RingReader reader = ring.openReader("pauses")) {
            int fitting = 4096 / 64;
            for (int i = 0; i < fitting + 1; i++) {
                ring.publish(RecordType.BATCH, 1, i, i, ByteBuffer.allocate(24));
            }
            assertEquals(1, ring.stats().blockTimeouts());
            assertEquals(fitting, Payloads.drain(reader).size());
            assertEquals(1, reader.lostRecords());

            // It read on: the next lap waits for it again, and times out again as it pauses again.
            for (int i = fitting + 1; i < 2 * fitting + 2; i++) {
                ring.publish(RecordType.BATCH, 1, i, i, ByteBuffer.allocate(24));
            }
            assertEquals(2, ring.stats().blockTimeouts());
            assertEquals(fitting, Payloads.drain(reader).size());
            assertEquals(2, reader.lostRecords());

            // Reading along with the producer, it loses nothing more however long the producer goes on.
            int more = 10 * fitting;
            Future<Integer> consumer = threads.submit(() -> {
                int received = 0;
                while (received < more) {
                    int n = reader.poll(record -> { }, 100);
                    received += n;
                    if (n == 0) {
                        LockSupport.parkNanos(10_000);
                    }
                }
                return received;
            });
            for (int i = 0; i < more; i++) {
                ring.publish(RecordType.BATCH, 1, 2 * fitting + 2 + i, i, ByteBuffer.allocate(24));
            }
            assertEquals(more, consumer.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS));
            assertEquals(2, reader.lostRecords(), "one record lost at each of the two stalls, none while it read");
            assertEquals(2, ring.stats().blockTimeouts());
        }
    }

    @Test
    void concurrentProducersArriveCompleteAndInOrder() throws Exception {
        int producers = 4;
        int perProducer = 20_000;
        try (MappedRing ring = create(64 * 1024, OverflowMode.BLOCK, GENEROUS_BLOCK_TIMEOUT);
                RingReader reader = ring.openReader("checker")) {
            Future<long[]> checked = threads.submit(() -> {
                long[] nextSequence = new long[producers];
                long[] nextIndex = {0};
                try {
                    while (nextIndex[0] < (long) producers * perProducer) {
                        reader.poll(record -> {
                            assertEquals(nextIndex[0]++, record.index());
                            int producer = record.streamId();
                            assertEquals(nextSequence[producer]++, record.sequence(), "stream " + producer);
                            assertTrue(Payloads.isDerived(record.payload(), seed(producer, record.sequence())));
                        }, 256);
                    }
                } finally {
                    reader.close();
                }
                return nextSequence;
            });
            List<Future<?>> publishing = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                publishing.add(threads.submit(() -> {
                    for (int sequence = 0; sequence < perProducer; sequence++) {
                        ring.publish(RecordType.BATCH, producer, sequence, System.nanoTime(),
                                Payloads.derived(seed(producer, sequence), sequence % 50));
                    }
                }));
            }
            for (Future<?> producer : publishing) {
                producer.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
            }

            long[] sequences = checked.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);

            assertArrayEquals(new long[] {perProducer, perProducer, perProducer, perProducer}, sequences);
            assertEquals(0, reader.lostRecords());
            assertEquals(0, ring.stats().blockTimeouts());
        }
    }

    private static long seed(int producer, long sequence) {
        return producer * 1_000_000L + sequence;
    }

    /** A 4 KiB ring releases space record by record, a 2 MiB one in chunks. */
    @ParameterizedTest
    @ValueSource(longs = {4096, 2 << 20})
    void aReaderNeverSeesATornRecord(long capacity) throws Exception {
        int records = 500_000;
        try (MappedRing ring = create(capacity, OverflowMode.DISCARD_OLDEST, Duration.ZERO);
                RingReader reader = ring.openReader("racing")) {
            Future<?> producer = threads.submit(() -> {
                for (int i = 0; i < records; i++) {
                    ring.publish(RecordType.BATCH, 1, i, i, checksummed(i, 16 + i % 200));
                }
            });
            Future<Long> consumer = threads.submit(() -> {
                long received = 0;
                while (!producer.isDone() || reader.lagBytes() > 0) {
                    received += reader.poll(MappedRingConcurrencyTest::assertIntact, 64);
                }
                return received;
            });
            producer.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);

            long received = consumer.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);

            assertEquals(records, received + reader.lostRecords());
        }
    }

    @Test
    void aReaderNeverSeesATornRecordFromTwoProducersFillingClaimsInASegmentedRing() throws Exception {
        int perProducer = 200_000;
        try (MappedRing ring = MappedRing.create(dir.resolve("ring.dat"), 4 * 4096, 4096, RingLayout.PAGE,
                OverflowMode.DISCARD_OLDEST, Duration.ZERO);
                RingReader reader = ring.openReader("racing")) {
            List<Future<?>> producers = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                producers.add(threads.submit(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        int length = 16 + i % 900;
                        try (RingClaim claim = ring.claim(RecordType.BATCH, 1, 0, 0, length)) {
                            // the payload names its own index, so that the reader can tell a torn one
                            ByteBuffer payload = checksummed(claim.index(), length);
                            claim.buffer().put(payload);
                            claim.commit();
                        }
                    }
                }));
            }
            Future<Long> consumer = threads.submit(() -> {
                long received = 0;
                while (!producers.stream().allMatch(Future::isDone) || reader.lagBytes() > 0) {
                    received += reader.poll(MappedRingConcurrencyTest::assertChecksummed, 64);
                }
                return received;
            });
            for (Future<?> producer : producers) {
                producer.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
            }

            long received = consumer.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);

            assertEquals(2L * perProducer, received + reader.lostRecords());
            assertTrue(received > 0);
        }
    }

    /** The index, derived bytes, then a CRC32 of everything before it. */
    private static ByteBuffer checksummed(long index, int length) {
        ByteBuffer payload = Payloads.derived(index, length);
        payload.putLong(0, index);
        CRC32 crc = new CRC32();
        crc.update(payload.duplicate().limit(length - Long.BYTES));
        payload.putLong(length - Long.BYTES, crc.getValue());
        return payload;
    }

    private static void assertIntact(RingRecord record) {
        assertChecksummed(record);
        assertEquals(record.index(), record.sequence());
        assertEquals(16 + record.index() % 200, record.payload().remaining());
    }

    /** The payload is {@link #checksummed} for the record's own index. */
    private static void assertChecksummed(RingRecord record) {
        ByteBuffer payload = record.payload();
        int length = payload.remaining();
        CRC32 crc = new CRC32();
        crc.update(payload.duplicate().limit(length - Long.BYTES));
        assertEquals(crc.getValue(), payload.getLong(length - Long.BYTES), "checksum of record " + record.index());
        assertEquals(record.index(), payload.getLong(0));
    }
}
