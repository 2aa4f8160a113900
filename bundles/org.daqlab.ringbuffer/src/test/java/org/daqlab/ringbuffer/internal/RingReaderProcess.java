package org.daqlab.ringbuffer.internal;

import org.daqlab.api.ring.RingReader;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The second JVM of {@link CrossProcessTest}: attaches to a ring file, prints {@code READY} once its
 * reader is registered, then prints {@code SEQ <sequence>} for each record whose payload is intact
 * ({@code BAD <sequence>} otherwise) until it has read the last sequence, and finally
 * {@code DONE <lost records>}.
 */
public final class RingReaderProcess {

    private RingReaderProcess() {
    }

    /** Arguments: ring file, last sequence to read, seconds to give up after. */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long lastSequence = Long.parseLong(args[1]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[2]));
        try (MappedRing ring = MappedRing.attach(file); RingReader reader = ring.openReader("second-jvm")) {
            System.out.println("READY");
            System.out.flush();
            long[] sequenceRead = {-1};
            while (sequenceRead[0] < lastSequence && System.nanoTime() < deadline) {
                int polled = reader.poll(record -> {
                    boolean intact = Payloads.isDerived(record.payload(), record.sequence());
                    System.out.println((intact ? "SEQ " : "BAD ") + record.sequence());
                    sequenceRead[0] = record.sequence();
                }, 100);
                if (polled == 0) {
                    Thread.onSpinWait();
                }
            }
            System.out.println("DONE " + reader.lostRecords());
        }
    }
}
