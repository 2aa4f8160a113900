package org.daqlab.ringbuffer.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.daqlab.api.ring.OverflowMode;
import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingClaim;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The catalog keeps the open streams' descriptors for readers that join after they were overwritten. */
class RingCatalogTest {

    @TempDir
    Path dir;

    @Test
    void aReaderThatJoinsLateFindsTheDescriptorsOfTheOpenStreams() throws IOException {
        try (MappedRing ring = MappedRing.create(dir.resolve("ring.dat"), 4096, OverflowMode.DISCARD_OLDEST,
                Duration.ZERO)) {
            ring.publish(RecordType.DESCRIPTOR, 1, 0, 10, Payloads.derived(1, 200));
            try (RingClaim claim = ring.claim(RecordType.DESCRIPTOR, 2, 0, 20, 300)) {
                claim.buffer().put(Payloads.derived(2, 300));
                claim.commit();
            }
            ring.publish(RecordType.DESCRIPTOR, 3, 0, 30, Payloads.derived(3, 100));
            ring.publish(RecordType.STREAM_CLOSED, 3, 0, 40, ByteBuffer.wrap("{}".getBytes()));
            for (int i = 0; i < 100; i++) { // the descriptors are long overwritten in the ring
                ring.publish(RecordType.BATCH, 1, i, i, Payloads.derived(i, 500));
            }

            try (MappedRing attached = MappedRing.attach(dir.resolve("ring.dat"))) {
                Map<Integer, RingCatalog.Entry> catalog = byStream(attached.catalog());
                assertEquals(List.of(1, 2, 3), List.copyOf(catalog.keySet()),
                        "a closed stream stays until the catalog is rewritten");
                assertArrayEquals(Payloads.derived(1, 200).array(), catalog.get(1).payload());
                assertArrayEquals(Payloads.derived(2, 300).array(), catalog.get(2).payload());
                assertEquals(List.of(0L, 1L), List.of(catalog.get(1).index(), catalog.get(2).index()));
                assertEquals(20, catalog.get(2).timestampNs());
            }
        }
    }

    @Test
    void aFullCatalogIsRewrittenWithTheOpenStreamsOnly() throws IOException {
        // A one-page catalog holds twelve 340-byte entries: the ten open streams fit, all thirty do not.
        try (MappedRing ring = MappedRing.create(dir.resolve("ring.dat"), 64 * 1024, 64 * 1024, RingLayout.PAGE,
                OverflowMode.DISCARD_OLDEST, Duration.ZERO)) {
            for (int stream = 1; stream <= 30; stream++) {
                ring.publish(RecordType.DESCRIPTOR, stream, 0, stream, Payloads.derived(stream, 300));
                if (stream % 3 != 0) {
                    ring.publish(RecordType.STREAM_CLOSED, stream, 0, stream, ByteBuffer.wrap("{}".getBytes()));
                }
            }
            // Streams 3, 6, ... 30 are open; the catalog may still hold some closed ones since the last rewrite.
            Map<Integer, RingCatalog.Entry> catalog = byStream(ring.catalog());
            for (int open = 3; open <= 30; open += 3) {
                assertArrayEquals(Payloads.derived(open, 300).array(), catalog.get(open).payload(), "stream " + open);
            }
            assertEquals(0, ring.file().getLong(RingLayout.CATALOG_EPOCH_OFFSET) % 2, "the epoch is even when stable");
        }
    }

    @Test
    void aStreamIdReusedAfterClosingGetsItsNewDescriptor() throws IOException {
        try (MappedRing ring = MappedRing.create(dir.resolve("ring.dat"), 4096, OverflowMode.DISCARD_OLDEST,
                Duration.ZERO)) {
            ring.publish(RecordType.DESCRIPTOR, 5, 0, 0, Payloads.derived(50, 64));
            ring.publish(RecordType.STREAM_CLOSED, 5, 0, 0, ByteBuffer.wrap("{}".getBytes()));
            ring.publish(RecordType.DESCRIPTOR, 5, 0, 0, Payloads.derived(51, 64));

            assertArrayEquals(Payloads.derived(51, 64).array(), byStream(ring.catalog()).get(5).payload());
        }
    }

    private static Map<Integer, RingCatalog.Entry> byStream(java.util.Collection<RingCatalog.Entry> entries) {
        Map<Integer, RingCatalog.Entry> byStream = new TreeMap<>();
        entries.stream().sorted(Comparator.comparingInt(RingCatalog.Entry::streamId))
                .forEach(e -> byStream.put(e.streamId(), e));
        return byStream;
    }
}
