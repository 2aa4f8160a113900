package org.daqlab.ringbuffer.internal;

import org.daqlab.api.ring.RingReader;

import java.nio.file.Path;

/**
 * A reader in another JVM that registers, prints {@code READY} and then never reads: it holds BLOCK
 * producers back until it is killed (or the block timeout passes).
 */
public final class StalledReaderProcess {

    private StalledReaderProcess() {
    }

    /** Argument: the ring file. */
    public static void main(String[] args) throws Exception {
        try (MappedRing ring = MappedRing.attach(Path.of(args[0])); RingReader reader = ring.openReader("stalled")) {
            System.out.println("READY");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
