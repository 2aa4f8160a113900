package org.daqlab.bench;

import java.util.concurrent.locks.LockSupport;

/** What a reader does when a poll finds nothing. */
interface IdleStrategy {

    void idle();

    /** Called after a poll that found records. */
    void reset();

    /** {@link Backoff}: spin, then yield. */
    static IdleStrategy backoff() {
        return new Backoff();
    }

    /** Never gives the CPU up: the lowest latency, a whole core. */
    static IdleStrategy busySpin() {
        return new IdleStrategy() {
            @Override
            public void idle() {
                Thread.onSpinWait();
            }

            @Override
            public void reset() {
            }
        };
    }

    /** Sleeps a fixed time when idle, as daqlab's writers do (1 ms). */
    static IdleStrategy park(long nanos) {
        return new IdleStrategy() {
            @Override
            public void idle() {
                LockSupport.parkNanos(nanos);
            }

            @Override
            public void reset() {
            }
        };
    }
}
