package org.daqlab.bench;

/**
 * A second producer thread: when the benchmark thread asks for more records, it sends them with
 * values continuing from its last one, then idles until asked again.
 */
final class SideProducer extends Thread {

    private final SmallRecordChannel channel;
    private volatile long requested;
    private volatile boolean running = true;
    private volatile Throwable failure;
    /** Values sent; read by other threads only once the reader has consumed all of them. */
    private volatile long sent;

    SideProducer(SmallRecordChannel channel, String name) {
        super(name);
        setDaemon(true);
        this.channel = channel;
    }

    /** Asks for {@code records} more records; returns at once. */
    void request(long records) {
        requested += records; // only the benchmark thread writes it
    }

    long sent() {
        return sent;
    }

    @Override
    public void run() {
        SmallRecordChannel.Producer producer = channel.newProducer();
        Backoff idle = new Backoff();
        long value = 0;
        try {
            while (running) {
                long target = requested;
                if (value < target) {
                    idle.reset();
                    while (value < target) {
                        producer.send(value++);
                    }
                    sent = value;
                } else {
                    idle.idle();
                }
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        }
    }

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
