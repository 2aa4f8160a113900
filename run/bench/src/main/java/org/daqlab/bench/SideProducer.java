package org.daqlab.bench;

/**
 * A second producer thread: when the benchmark thread asks for more records, it sends them with
 * values continuing from its last one, then idles until asked again.
 */
final class SideProducer extends LoopThread {

    private final SmallRecordChannel channel;
    private final Backoff idle = new Backoff();
    private volatile long requested;
    /** Values sent; read by other threads only once the reader has consumed all of them. */
    private volatile long sent;
    private SmallRecordChannel.Producer producer;
    private long value;

    SideProducer(SmallRecordChannel channel, String name) {
        super(name);
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
    void prepare() {
        producer = channel.newProducer();
    }

    @Override
    void step() {
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
}
