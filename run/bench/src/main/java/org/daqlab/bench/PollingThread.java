package org.daqlab.bench;

import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * A reader thread that polls a ring until stopped: after every poll it publishes its progress to
 * {@link Consumed}; when a poll finds nothing it idles as its {@link IdleStrategy} says.
 */
final class PollingThread extends LoopThread {

    /** Records handed out per poll, for every ring (daqlab's writers poll 256 at a time too). */
    static final int BATCH = 256;

    private final IntSupplier poll;
    private final LongSupplier lost;
    private final Consumed consumed;
    private final IdleStrategy idle;

    PollingThread(String name, IntSupplier poll, LongSupplier lost, Consumed consumed, IdleStrategy idle) {
        super(name);
        this.poll = poll;
        this.lost = lost;
        this.consumed = consumed;
        this.idle = idle;
    }

    @Override
    void step() {
        int n = poll.getAsInt();
        consumed.publish(lost.getAsLong());
        if (n == 0) {
            idle.idle();
        } else {
            idle.reset();
        }
    }
}
