package org.daqlab.ringbuffer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.daqlab.api.ring.OverflowMode;
import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingClaim;
import org.daqlab.api.ring.RingReader;
import org.daqlab.ringbuffer.internal.Payloads.Received;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Zero-copy publishing: claim room in the ring, write the payload in place, commit or abort. */
class MappedRingClaimTest {

    @TempDir
    Path dir;

    private MappedRing create(long capacity) throws IOException {
        return MappedRing.create(dir.resolve("ring.dat"), capacity, OverflowMode.DISCARD_OLDEST, Duration.ZERO);
    }

    @Test
    void aCommittedClaimIsReadLikeAPublishedRecord() throws IOException {
        try (MappedRing ring = create(4096); RingReader reader = ring.openReader("reader")) {
            try (RingClaim claim = ring.claim(RecordType.BATCH, 3, 17, 99, 100)) {
                assertEquals(ByteOrder.LITTLE_ENDIAN, claim.buffer().order());
                assertEquals(100, claim.buffer().capacity());
                claim.buffer().put(Payloads.derived(17, 100));
                claim.commit();
                assertThrows(IllegalStateException.class, claim::buffer, "the buffer belongs to the ring again");
                assertThrows(IllegalStateException.class, claim::commit);
            }
            List<Received> read = Payloads.drain(reader);
            assertEquals(1, read.size());
            Received record = read.get(0);
            assertEquals(List.of(RecordType.BATCH, 3, 17L, 99L, 0L),
                    List.of(record.type(), record.streamId(), record.sequence(), record.timestampNs(), record.index()));
            assertTrue(Payloads.isDerived(record.payload(), 17));
        }
    }

    @Test
    void readersWaitAtAnOpenClaimAndKeepTheOrderOfClaims() throws IOException {
        try (MappedRing ring = create(4096); RingReader reader = ring.openReader("reader")) {
            ring.publish(RecordType.BATCH, 1, 0, 0, Payloads.derived(0, 8));
            RingClaim open = ring.claim(RecordType.BATCH, 1, 1, 0, 8);
            ring.publish(RecordType.BATCH, 1, 2, 0, Payloads.derived(2, 8));

            assertEquals(List.of(0L), sequences(Payloads.drain(reader)), "stops at the claim not yet committed");

            open.buffer().put(Payloads.derived(1, 8));
            open.commit();
            assertEquals(List.of(1L, 2L), sequences(Payloads.drain(reader)));
            assertEquals(0, reader.lostRecords());
        }
    }

    @Test
    void anAbortedClaimIsSkippedAndIsNotALoss() throws IOException {
        try (MappedRing ring = create(4096); RingReader reader = ring.openReader("reader")) {
            try (RingClaim claim = ring.claim(RecordType.BATCH, 1, 0, 0, 64)) {
                claim.buffer().putLong(0, 42); // filling fails half-way: the claim is closed uncommitted
            }
            RingClaim aborted = ring.claim(RecordType.BATCH, 1, 1, 0, 8);
            aborted.abort();
            aborted.abort(); // harmless
            ring.publish(RecordType.BATCH, 1, 2, 0, Payloads.derived(2, 8));

            List<Received> read = Payloads.drain(reader);
            assertEquals(List.of(2L), sequences(read));
            assertEquals(2, read.get(0).index(), "aborted claims keep their indices");
            assertEquals(0, reader.lostRecords());
            assertEquals(3, ring.stats().recordsPublished());
        }
    }

    @Test
    void aClaimLeftOpenIsAbandonedWhenItsSpaceIsNeededAndItsCommitFails() throws IOException {
        try (MappedRing ring = create(4096)) {
            RingClaim forgotten = ring.claim(RecordType.BATCH, 1, 0, 0, 1000);
            // More than a lap: the producer needs the forgotten claim's space, waits for it, then gives up.
            for (int i = 1; i <= 8; i++) {
                ring.publish(RecordType.BATCH, 1, i, 0, Payloads.derived(i, 1000));
            }
            assertEquals(1, ring.stats().abandonedClaims());

            IllegalStateException late = assertThrows(IllegalStateException.class, forgotten::commit);
            assertTrue(late.getMessage().contains("was abandoned by the ring"), late.getMessage());
        }
    }

    @Test
    void aClaimLargerThanTheRingTakesIsRefusedBeforeAnythingIsWritten() throws IOException {
        try (MappedRing ring = create(4096)) {
            int tooLarge = (int) ring.maxPayloadBytes() + 1;
            assertThrows(IllegalArgumentException.class, () -> ring.claim(RecordType.BATCH, 1, 0, 0, tooLarge));
            assertThrows(IllegalArgumentException.class, () -> ring.claim(RecordType.BATCH, 1, 0, 0, -1));
            assertThrows(IllegalArgumentException.class, () -> ring.claim(RecordType.PADDING, 1, 0, 0, 8));
            assertEquals(0, ring.stats().writePosition());
        }
    }

    private static List<Long> sequences(List<Received> records) {
        return records.stream().map(Received::sequence).toList();
    }
}
