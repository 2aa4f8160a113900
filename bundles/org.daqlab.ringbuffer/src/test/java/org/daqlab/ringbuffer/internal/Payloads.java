package org.daqlab.ringbuffer.internal;

import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingReader;
import org.daqlab.api.ring.RingRecord;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Test payloads whose bytes derive from a seed, and copies of the records a reader receives. */
final class Payloads {

    private Payloads() {
    }

    /** {@code length} bytes, byte {@code i} being {@code seed * 31 + i} (mod 256). */
    static ByteBuffer derived(long seed, int length) {
        ByteBuffer payload = ByteBuffer.allocate(length);
        for (int i = 0; i < length; i++) {
            payload.put(i, derivedByte(seed, i));
        }
        return payload;
    }

    /** Whether {@code payload} (from its position) is exactly {@link #derived(long, int)} for its length. */
    static boolean isDerived(ByteBuffer payload, long seed) {
        for (int i = 0; i < payload.remaining(); i++) {
            if (payload.get(payload.position() + i) != derivedByte(seed, i)) {
                return false;
            }
        }
        return true;
    }

    private static byte derivedByte(long seed, int i) {
        return (byte) (seed * 31 + i);
    }

    /** A record copied out of the handler call, where it is valid. */
    record Received(RecordType type, long index, int streamId, long sequence, long timestampNs, long position,
            ByteBuffer payload) {

        static Received copyOf(RingRecord record) {
            ByteBuffer payload = ByteBuffer.allocate(record.payload().remaining());
            payload.put(record.payload().duplicate()).flip();
            return new Received(record.type(), record.index(), record.streamId(), record.sequence(),
                    record.timestampNs(), record.position(), payload);
        }
    }

    /** Polls until nothing is left to read. */
    static List<Received> drain(RingReader reader) {
        List<Received> received = new ArrayList<>();
        int polled;
        do {
            polled = reader.poll(record -> received.add(Received.copyOf(record)), 100);
        } while (polled > 0);
        return received;
    }
}
