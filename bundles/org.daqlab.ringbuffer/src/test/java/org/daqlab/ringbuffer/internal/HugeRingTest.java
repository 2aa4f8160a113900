package org.daqlab.ringbuffer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.daqlab.api.ring.OverflowMode;
import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingClaim;
import org.daqlab.api.ring.RingReader;
import org.daqlab.ringbuffer.internal.Payloads.Received;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An 8 GiB ring: eight 1 GiB segments, records at offsets beyond 2 and 4 GiB, and a wrap. The file is
 * sparse and each record only writes its header and two markers, so the test touches a few pages
 * per record; the reader still copies every record whole.
 */
class HugeRingTest {

    private static final long GIB = 1L << 30;
    private static final long CAPACITY = 8 * GIB;
    /** Large enough that one record takes a segment, with padding after it. */
    private static final int PAYLOAD = 600 << 20;

    @Test
    void anEightGibRingPublishesAndReadsAcrossEverySegmentAndWraps() throws IOException {
        assumeTrue(Runtime.getRuntime().maxMemory() > 2 * (long) PAYLOAD,
                "skipped: the reader's copy of a 600 MiB record needs a heap over 1.2 GiB (have "
                        + (Runtime.getRuntime().maxMemory() >> 20) + " MiB)");
        Path directory = directoryWithRoomFor(CAPACITY + GIB);
        Path file = Files.createTempFile(directory, "huge-ring", ".dat");
        try (MappedRing ring = MappedRing.create(file, CAPACITY, OverflowMode.DISCARD_OLDEST, Duration.ZERO);
                RingReader reader = ring.openReader("reader")) {
            assertEquals(GIB - RingLayout.RECORD_HEADER_SIZE, ring.maxPayloadBytes());
            int records = 9; // one per segment: a lap and one more
            long furthestOffset = 0;
            for (int i = 0; i < records; i++) {
                try (RingClaim claim = ring.claim(RecordType.BATCH, 1, i, i, PAYLOAD)) {
                    ByteBuffer payload = claim.buffer();
                    payload.putLong(0, marker(i));
                    payload.putLong(PAYLOAD - Long.BYTES, ~marker(i));
                    claim.commit();
                }
                List<Received> read = Payloads.drain(reader);
                assertEquals(1, read.size(), "record " + i);
                Received record = read.get(0);
                ByteBuffer payload = record.payload().order(java.nio.ByteOrder.LITTLE_ENDIAN);
                assertEquals(i, record.sequence());
                assertEquals(PAYLOAD, payload.remaining());
                assertEquals(marker(i), payload.getLong(0));
                assertEquals(~marker(i), payload.getLong(PAYLOAD - Long.BYTES));
                furthestOffset = Math.max(furthestOffset, record.position() % CAPACITY);
            }
            assertEquals(7 * GIB, furthestOffset, "the last segment was used");
            assertTrue(ring.stats().writePosition() > CAPACITY, "the ring wrapped");
            assertEquals(0, reader.lostRecords());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static long marker(long i) {
        return 0x5EED_0000_0000L + i;
    }

    /** /dev/shm where it has room (memory, but only touched pages count), else the temp directory. */
    private static Path directoryWithRoomFor(long bytes) throws IOException {
        for (Path candidate : List.of(Path.of("/dev/shm"), Path.of(System.getProperty("java.io.tmpdir")))) {
            if (Files.isDirectory(candidate) && Files.isWritable(candidate)
                    && Files.getFileStore(candidate).getUsableSpace() > bytes) {
                return candidate;
            }
        }
        assumeTrue(false, "skipped: neither /dev/shm nor the temp directory has " + (bytes >> 30)
                + " GiB free for the sparse 8 GiB ring file");
        throw new AssertionError("unreachable");
    }
}
