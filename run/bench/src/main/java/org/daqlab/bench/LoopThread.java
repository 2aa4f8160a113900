package org.daqlab.bench;

/**
 * A daemon thread that repeats one step until stopped; what stopped it early is rethrown to the
 * benchmark thread by {@link #stopAndJoin()}.
 */
abstract class LoopThread extends Thread {

    private volatile boolean running = true;
    private volatile Throwable failure;

    LoopThread(String name) {
        super(name);
        setDaemon(true);
    }

    /** Called before the first step, on this thread. */
    void prepare() {
    }

    /** One turn of the loop. */
    abstract void step();

    @Override
    public final void run() {
        try {
            prepare();
            while (running) {
                step();
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        }
    }

    /** Stops the loop and waits for it; rethrows what stopped it early, if anything. */
    final void stopAndJoin() {
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
