package org.daqlab.writer.zarr.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers for chunks, recycled: the runner fills one per array with the chunk's raw values,
 * a worker encodes and writes it and gives it back. Direct, so that compression reads it and the
 * file system writes it without the copies a heap array costs; recycled, because allocating (and
 * zeroing) a direct buffer per chunk costs as much as copying its values. At most {@code kept}
 * buffers of each size wait here, more are left to the garbage collector.
 */
final class ChunkBuffers {

    private final int kept;
    private final Map<Integer, Pool> pools = new ConcurrentHashMap<>();

    private static final class Pool {
        final Queue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
        final AtomicInteger size = new AtomicInteger();
    }

    ChunkBuffers(int kept) {
        this.kept = kept;
    }

    /** A little-endian buffer of {@code capacity} bytes, position 0; its content is undefined. */
    ByteBuffer take(int capacity) {
        Pool pool = pools.computeIfAbsent(capacity, c -> new Pool());
        ByteBuffer buffer = pool.free.poll();
        if (buffer == null) {
            return ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
        }
        pool.size.decrementAndGet();
        return buffer.clear();
    }

    /** Gives a buffer of {@link #take} back. */
    void give(ByteBuffer buffer) {
        Pool pool = pools.get(buffer.capacity());
        if (pool.size.incrementAndGet() <= kept) {
            pool.free.add(buffer);
        } else {
            pool.size.decrementAndGet();
        }
    }
}
