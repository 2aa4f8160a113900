package org.daqlab.ringbuffer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.daqlab.api.ring.OverflowMode;
import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingClaim;
import org.daqlab.api.ring.RingReader;
import org.daqlab.ringbuffer.internal.Payloads.Received;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A ring mapped in several segments, at a small scale: records never cross a segment boundary, and
 * wrapping over many laps keeps every record intact.
 */
class SegmentedRingTest {

    private static final long SEGMENT = 16 * 1024;
    private static final long CAPACITY = 4 * SEGMENT;

    @TempDir
    Path dir;

    @Test
    void recordsOfEverySizeStayInsideTheirSegmentOverManyLaps() throws IOException {
        try (MappedRing ring = MappedRing.create(dir.resolve("ring.dat"), CAPACITY, SEGMENT, RingLayout.PAGE,
                OverflowMode.DISCARD_OLDEST, Duration.ZERO);
                RingReader reader = ring.openReader("reader")) {
            assertEquals(SEGMENT - RingLayout.RECORD_HEADER_SIZE, ring.maxPayloadBytes());
            int records = 3_000;
            long read = 0;
            for (int i = 0; i < records; i++) {
                int length = (int) ((i * 7919L) % ring.maxPayloadBytes());
                if (i % 2 == 0) {
                    ring.publish(RecordType.BATCH, 1, i, i, Payloads.derived(i, length));
                } else {
                    try (RingClaim claim = ring.claim(RecordType.BATCH, 1, i, i, length)) {
                        claim.buffer().put(Payloads.derived(i, length));
                        claim.commit();
                    }
                }
                for (Received record : Payloads.drain(reader)) {
                    assertEquals(read, record.sequence());
                    assertTrue(Payloads.isDerived(record.payload(), record.sequence()), "payload of " + read);
                    long offset = record.position() % CAPACITY;
                    long end = offset + RingLayout.align(RingLayout.RECORD_HEADER_SIZE + record.payload().remaining());
                    assertEquals(offset / SEGMENT, (end - 1) / SEGMENT, "record " + read + " stays in its segment");
                    read++;
                }
            }
            assertEquals(records, read);
            assertEquals(0, reader.lostRecords());
            assertTrue(ring.stats().writePosition() > 20 * CAPACITY, "many laps");
        }
    }

    @Test
    void aLappedReaderCountsExactlyWhatItMissedAcrossSegments() throws IOException {
        try (MappedRing ring = MappedRing.create(dir.resolve("ring.dat"), CAPACITY, SEGMENT, RingLayout.PAGE,
                OverflowMode.DISCARD_OLDEST, Duration.ZERO);
                RingReader reader = ring.openReader("reader")) {
            for (int i = 0; i < 1_000; i++) {
                ring.publish(RecordType.BATCH, 1, i, i, Payloads.derived(i, 1000 + i % 3000));
            }
            List<Received> read = Payloads.drain(reader);
            assertEquals(999, read.get(read.size() - 1).sequence());
            assertEquals(1_000, read.size() + reader.lostRecords());
            read.forEach(r -> assertTrue(Payloads.isDerived(r.payload(), r.sequence())));
        }
    }
}
