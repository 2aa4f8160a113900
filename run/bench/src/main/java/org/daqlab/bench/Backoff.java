package org.daqlab.bench;

/**
 * The idle strategy every polling reader (and every producer that finds a ring full) uses in these
 * benchmarks, so that no ring wins by waiting differently: spin briefly, then yield the CPU. With
 * two cores and up to four busy threads, yielding matters: a thread that only spins keeps the
 * thread it waits for off the CPU. It is the shape of the Disruptor's {@code YieldingWaitStrategy},
 * which the Disruptor benchmarks use.
 */
final class Backoff implements IdleStrategy {

    private static final int SPINS = 100;

    private int idleCalls;

    @Override
    public void idle() {
        if (idleCalls < SPINS) {
            idleCalls++;
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    @Override
    public void reset() {
        idleCalls = 0;
    }
}
