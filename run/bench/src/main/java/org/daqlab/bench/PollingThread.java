package org.daqlab.bench;

import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * A reader thread that polls a ring until stopped: after every poll it publishes its progress to
 * {@link Consumed}; when a poll finds nothing it idles as its {@link IdleStrategy} says.
 */
final class PollingThread extends Thread {

    /** Records handed out per poll, for every ring (daqlab's writers poll 256 at a time too). */
    static final int BATCH = 256;

    private final IntSupplier poll;
    private final LongSupplier lost;
    private final Consumed consumed;
    private final IdleStrategy idle;
    private volatile boolean running = true;
    private volatile Throwable failure;

    PollingThread(String name, IntSupplier poll, LongSupplier lost, Consumed consumed, IdleStrategy idle) {
        super(name);
        setDaemon(true);
        this.poll = poll;
        this.lost = lost;
        this.consumed = consumed;
        this.idle = idle;
    }

    @Override
    public void run() {
        try {
            while (running) {
                int n = poll.getAsInt();
                consumed.publish(lost.getAsLong());
                if (n == 0) {
                    idle.idle();
                } else {
                    idle.reset();
                }
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        }
    }

    /** Stops the loop and waits for it; rethrows what stopped it early, if anything. */
    void stopAndJoin() {
        running = false;
        try {
            join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw new IllegalStateException(getName() + " failed", failure);
        }
    }
}
