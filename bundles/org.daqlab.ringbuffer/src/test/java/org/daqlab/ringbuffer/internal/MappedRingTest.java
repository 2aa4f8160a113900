package org.daqlab.ringbuffer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.daqlab.api.ring.OverflowMode;
import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingReader;
import org.daqlab.api.ring.RingStats;
import org.daqlab.api.ring.RingStats.ReaderStats;
import org.daqlab.ringbuffer.internal.Payloads.Received;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Single-threaded behaviour of {@link MappedRing}: layout, wrap-around, loss accounting, slots, files. */
class MappedRingTest {

    private static final int CAPACITY = 4096;
    /** File offset of the data region of the rings made here (default catalog size). */
    static final long DATA_OFFSET = RingLayout.HEADER_SIZE + RingLayout.DEFAULT_CATALOG_SIZE;
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("ring.dat");
    }

    private MappedRing create(OverflowMode mode, Duration blockTimeout) throws IOException {
        return MappedRing.create(file(), CAPACITY, mode, blockTimeout);
    }

    /** A record whose type, stream, timestamp and payload all derive from {@code i}. */
    private static long publishDerived(MappedRing ring, int i, int payloadLength) {
        RecordType type = RecordType.values()[1 + i % (RecordType.values().length - 1)];
        return ring.publish(type, i % 7, i, 1_000_000L + i, Payloads.derived(i, payloadLength));
    }

    private static void assertDerived(Received record, long index, int payloadLength) {
        assertEquals(index, record.index());
        assertEquals(RecordType.values()[1 + (int) (index % (RecordType.values().length - 1))], record.type());
        assertEquals(index % 7, record.streamId());
        assertEquals(index, record.sequence());
        assertEquals(1_000_000L + index, record.timestampNs());
        assertEquals(payloadLength, record.payload().remaining(), "payload length of record " + index);
        assertTrue(Payloads.isDerived(record.payload(), index), "payload bytes of record " + index);
    }

    @Test
    void wrapsAroundManyTimesWithIntactRecords() throws IOException {
        int records = 20_000;
        try (MappedRing ring = create(OverflowMode.DISCARD_OLDEST, Duration.ZERO);
                RingReader reader = ring.openReader("checker")) {
            long nextIndex = 0;
            for (int i = 0; i < records; i++) {
                // Payload lengths 0..300 make the padding before a lap start take every size.
                assertEquals(i, publishDerived(ring, i, i % 301));
                if (i % 5 == 4) {
                    for (Received record : Payloads.drain(reader)) {
                        assertDerived(record, nextIndex, (int) (nextIndex % 301));
                        nextIndex++;
                    }
                }
            }
            assertEquals(records, nextIndex);
            assertEquals(0, reader.lostRecords());
            RingStats stats = ring.stats();
            assertEquals(records, stats.recordsPublished());
            assertTrue(stats.writePosition() > 500L * CAPACITY, "laps: " + stats.writePosition() / CAPACITY);
            assertEquals(stats.writePosition(), reader.position());
            assertEquals(0, reader.lagBytes());
        }
    }

    @Test
    void aLappedReaderResumesAtTheOldestRecordAndCountsExactlyWhatItLost() throws IOException {
        try (MappedRing ring = create(OverflowMode.DISCARD_OLDEST, Duration.ZERO);
                RingReader reader = ring.openReader("slow")) {
            int published = 0;
            for (; published < 10; published++) {
                publishDerived(ring, published, published % 97);
            }
            assertEquals(10, Payloads.drain(reader).size());
            for (; published < 5_000; published++) {
                publishDerived(ring, published, published % 97);
            }
            long oldest = ring.stats().oldestPosition();

            List<Received> newest = Payloads.drain(reader);

            assertEquals(published, 10 + newest.size() + reader.lostRecords());
            assertEquals(oldest, newest.get(0).position(), "resumes at the oldest intact record");
            for (int i = 0; i < newest.size(); i++) {
                long index = published - newest.size() + i;
                assertDerived(newest.get(i), index, (int) (index % 97));
            }
            assertEquals(reader.lostRecords(), ring.stats().readers().get(0).lostRecords());
        }
    }

    @Test
    void aFullRingHoldsExactlyTheNewestRecordsThatFit() throws IOException {
        try (MappedRing ring = create(OverflowMode.DISCARD_OLDEST, Duration.ZERO);
                RingReader reader = ring.openReader("late")) {
            for (int i = 0; i < 1_000; i++) {
                publishDerived(ring, i, 24); // 64-byte records: 64 of them fill the ring exactly
            }
            List<Received> kept = Payloads.drain(reader);
            assertEquals(64, kept.size());
            assertEquals(936, reader.lostRecords());
            assertEquals(936, kept.get(0).index());
            assertEquals(999, kept.get(63).index());
        }
    }

    @Test
    void aRecordTooLargeIsRejectedAndNothingIsPublished() throws IOException {
        try (MappedRing ring = create(OverflowMode.DISCARD_OLDEST, Duration.ZERO);
                RingReader reader = ring.openReader("reader")) {
            assertEquals(CAPACITY / 2 - RingLayout.RECORD_HEADER_SIZE, ring.maxPayloadBytes());
            ByteBuffer tooLarge = ByteBuffer.allocate((int) ring.maxPayloadBytes() + 1);

            IllegalArgumentException rejected = assertThrows(IllegalArgumentException.class,
                    () -> ring.publish(RecordType.BATCH, 1, 0, 0, tooLarge));

            assertTrue(rejected.getMessage().contains("capacity of 4096 bytes")
                    && rejected.getMessage().contains("capacity_mb"), rejected.getMessage());
            assertEquals(0, ring.stats().writePosition());
            assertEquals(0, ring.stats().recordsPublished());
            assertEquals(0, reader.poll(record -> fail("nothing was published"), 10));

            // The largest record fits, also after padding, again and again.
            for (int i = 0; i < 10; i++) {
                ByteBuffer largest = Payloads.derived(i, (int) ring.maxPayloadBytes());
                publishDerived(ring, 0, 8);
                ring.publish(RecordType.BATCH, i % 7, i, 1_000_000L + i, largest);
                assertEquals(0, largest.position(), "the payload is not consumed");
                List<Received> read = Payloads.drain(reader);
                assertEquals(2, read.size());
                assertTrue(Payloads.isDerived(read.get(1).payload(), i));
                assertEquals(ring.maxPayloadBytes(), read.get(1).payload().remaining());
            }
            assertEquals(0, reader.lostRecords());
        }
    }

    @Test
    void aRecordWithACorruptTypeIsSkippedAndCounted() throws IOException {
        assertCorruptSecondRecordIsSkipped(RingLayout.RECORD_WORD + 4,
                ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) 99));
    }

    @Test
    void aRecordWithACorruptLengthIsSkippedAndCounted() throws IOException {
        assertCorruptSecondRecordIsSkipped(RingLayout.RECORD_WORD, ByteBuffer.allocate(4));
    }

    /** Publishes three 48-byte records, overwrites a header field of the second in the file, reads. */
    private void assertCorruptSecondRecordIsSkipped(int field, ByteBuffer damage) throws IOException {
        try (MappedRing ring = create(OverflowMode.DISCARD_OLDEST, Duration.ZERO);
                RingReader reader = ring.openReader("reader")) {
            for (int i = 0; i < 3; i++) {
                publishDerived(ring, i, 8);
            }
            try (FileChannel channel = FileChannel.open(file(), StandardOpenOption.WRITE)) {
                channel.write(damage, DATA_OFFSET + 48 + field);
            }

            List<Received> beforeDamage = Payloads.drain(reader);
            publishDerived(ring, 3, 8);
            List<Received> afterDamage = Payloads.drain(reader);

            assertEquals(List.of(0L), beforeDamage.stream().map(Received::index).toList());
            assertEquals(List.of(3L), afterDamage.stream().map(Received::index).toList());
            assertEquals(2, reader.lostRecords(), "the corrupt record and the one skipped with it");
            assertEquals(1, reader.corruptRecords());
            assertEquals(1, ring.stats().readers().get(0).corruptRecords());
        }
    }

    /**
     * Another process overwrites the header's positions and catalog counters: the publisher and the
     * readers of its own process follow their own copies, so nothing is lost and streams still open.
     */
    @Test
    void garbageInTheHeaderCountersDerailsNeitherThePublisherNorItsReaders() throws IOException {
        try (MappedRing ring = create(OverflowMode.DISCARD_OLDEST, Duration.ZERO);
                RingReader reader = ring.openReader("reader")) {
            List<Received> received = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                if (i % 10 == 0) {
                    try (FileChannel channel = FileChannel.open(file(), StandardOpenOption.WRITE)) {
                        for (int field : new int[] {RingLayout.WRITE_POSITION_OFFSET, RingLayout.OLDEST_POSITION_OFFSET,
                                RingLayout.RECORDS_CLAIMED_OFFSET, RingLayout.CATALOG_END_OFFSET,
                                RingLayout.CATALOG_EPOCH_OFFSET}) {
                            long garbage = i % 20 == 0 ? Long.MAX_VALUE - i : -1_000_000L - i;
                            channel.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, garbage), field);
                        }
                    }
                }
                publishDerived(ring, i, 8 + i % 50);
                if (i % 30 == 0) {
                    ring.committed(RecordType.DESCRIPTOR, i % 7, i, i, 1L, ByteBuffer.wrap(new byte[16]));
                }
                received.addAll(Payloads.drain(reader));
            }

            assertEquals(200, received.size());
            for (int i = 0; i < received.size(); i++) {
                assertDerived(received.get(i), i, 8 + i % 50);
            }
            assertEquals(0, reader.lostRecords());
            assertEquals(0, reader.corruptRecords());
        }
    }

    @Test
    void readersOccupySlotsThatClosingFrees() throws IOException {
        try (MappedRing ring = create(OverflowMode.DISCARD_OLDEST, Duration.ZERO)) {
            List<RingReader> readers = new ArrayList<>();
            for (int i = 0; i < RingLayout.READER_SLOT_COUNT; i++) {
                readers.add(ring.openReader("reader-" + i));
            }
            IllegalStateException full = assertThrows(IllegalStateException.class, () -> ring.openReader("extra"));
            assertTrue(full.getMessage().contains("all 48 reader slots"), full.getMessage());

            publishDerived(ring, 0, 8);
            RingStats stats = ring.stats();
            assertEquals(48, stats.readers().size());
            assertEquals(new ReaderStats("reader-0", PID, 0, 48, 0, 0), stats.readers().get(0));

            readers.remove(0).close();
            assertEquals(47, ring.stats().readers().size());
            try (RingReader again = ring.openReader("again")) {
                assertEquals(new ReaderStats("again", PID, 48, 0, 0, 0), ring.stats().readers().get(0));
            }
            readers.forEach(RingReader::close);
            assertEquals(List.of(), ring.stats().readers());
        }
    }

    @Test
    void closingTheRingClosesItsReadersAndKeepsTheFile() throws IOException {
        MappedRing ring = create(OverflowMode.DISCARD_OLDEST, Duration.ZERO);
        RingReader reader = ring.openReader("reader");

        ring.close();

        assertThrows(IllegalStateException.class, () -> reader.poll(record -> fail("closed"), 1));
        assertThrows(IllegalStateException.class, () -> publishDerived(ring, 0, 8));
        assertThrows(IllegalStateException.class, () -> ring.openReader("late"));
        assertEquals(List.of(), ring.stats().readers());
        assertTrue(Files.exists(file()));
    }

    @Test
    void anAttachedRingReadsWhatItsCreatorPublishes() throws IOException {
        // 23 ASCII bytes and a two-byte character: the slot keeps the 23 bytes only.
        String longName = "abcdefghijklmnopqrstuvw\u00fc";
        try (MappedRing ring = create(OverflowMode.DISCARD_OLDEST, Duration.ZERO);
                MappedRing attached = MappedRing.attach(file());
                RingReader reader = attached.openReader(longName)) {
            for (int i = 0; i < 3; i++) {
                publishDerived(ring, i, 100);
            }
            List<Received> read = Payloads.drain(reader);
            assertEquals(3, read.size());
            for (int i = 0; i < 3; i++) {
                assertDerived(read.get(i), i, 100);
            }

            RingStats seenByAttached = attached.stats();
            assertEquals(CAPACITY, seenByAttached.capacityBytes());
            assertEquals(3, seenByAttached.recordsPublished());
            assertNull(seenByAttached.overflowMode(), "the mode belongs to the publishing process");
            assertThrows(UnsupportedOperationException.class, () -> publishDerived(attached, 3, 8));

            ReaderStats seenByCreator = ring.stats().readers().get(0);
            assertEquals(new ReaderStats("abcdefghijklmnopqrstuvw", PID, reader.position(), 0, 0, -1), seenByCreator);
        }
    }

    @Test
    void attachRejectsFilesThatAreNotRingsWithTheReason() throws IOException {
        Path zeros = Files.write(dir.resolve("zeros.dat"), new byte[8192]);
        Path tiny = Files.write(dir.resolve("tiny.dat"), new byte[100]);
        try (MappedRing ring = create(OverflowMode.DISCARD_OLDEST, Duration.ZERO)) {
            publishDerived(ring, 0, 8);
        }
        Path cut = Files.write(dir.resolve("cut.dat"),
                Arrays.copyOf(Files.readAllBytes(file()), (int) DATA_OFFSET + 100));

        assertAttachFails(zeros, "field magic (offset 0) is [0, 0, 0, 0, 0, 0, 0, 0] instead of \"DAQLRING\"");
        assertAttachFails(tiny, "fewer than the 4096-byte header");
        assertAttachFails(cut, "truncated or damaged");
    }

    @Test
    void attachNamesTheHeaderFieldThatIsDamaged() throws IOException {
        try (MappedRing ring = create(OverflowMode.DISCARD_OLDEST, Duration.ZERO)) {
            publishDerived(ring, 0, 8);
        }
        byte[] intact = Files.readAllBytes(file());
        assertDamagedFieldNamed(intact, RingLayout.LAYOUT_VERSION_OFFSET, 4, 1, "field layout version (header offset 8) is 1, expected 2");
        assertDamagedFieldNamed(intact, RingLayout.HEADER_SIZE_OFFSET, 4, 512, "field header size (header offset 12) is 512, expected 4096");
        assertDamagedFieldNamed(intact, RingLayout.READER_SLOT_COUNT_OFFSET, 4, 7, "field reader slot count (header offset 24) is 7");
        assertDamagedFieldNamed(intact, RingLayout.CAPACITY_OFFSET, 8, 4097, "field capacity (header offset 16) is 4097");
        assertDamagedFieldNamed(intact, RingLayout.SEGMENT_SIZE_OFFSET, 4, 3000, "field segment size (header offset 28) is 3000");
        assertDamagedFieldNamed(intact, RingLayout.CATALOG_OFFSET_OFFSET, 8, 0, "field catalog offset (header offset 32) is 0, expected 4096");
        assertDamagedFieldNamed(intact, RingLayout.CATALOG_SIZE_OFFSET, 8, 100, "field catalog size (header offset 40) is 100");
        assertDamagedFieldNamed(intact, RingLayout.DATA_OFFSET_OFFSET, 8, 4096, "field data offset (header offset 48) is 4096");
    }

    private void assertDamagedFieldNamed(byte[] intact, int offset, int size, long value, String reason) throws IOException {
        ByteBuffer damaged = ByteBuffer.wrap(intact.clone()).order(ByteOrder.LITTLE_ENDIAN);
        if (size == 4) {
            damaged.putInt(offset, (int) value);
        } else {
            damaged.putLong(offset, value);
        }
        Path copy = Files.write(dir.resolve("damaged-" + offset + ".dat"), damaged.array());
        assertAttachFails(copy, reason);
    }

    private static void assertAttachFails(Path file, String reason) {
        IOException failure = assertThrows(IOException.class, () -> MappedRing.attach(file));
        assertTrue(failure.getMessage().contains(reason), failure.getMessage());
    }

    @Test
    void createReplacesAnExistingFileWithAnEmptyRing() throws IOException {
        try (MappedRing first = create(OverflowMode.DISCARD_OLDEST, Duration.ZERO)) {
            publishDerived(first, 0, 8);
        }
        try (MappedRing second = create(OverflowMode.DISCARD_OLDEST, Duration.ZERO);
                MappedRing attached = MappedRing.attach(file())) {
            assertEquals(0, second.stats().writePosition());
            assertEquals(0, attached.stats().recordsPublished());
        }
    }
}
