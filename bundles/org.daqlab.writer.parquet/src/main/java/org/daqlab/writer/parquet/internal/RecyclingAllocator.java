package org.daqlab.writer.parquet.internal;

import org.apache.parquet.bytes.ByteBufferAllocator;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The heap buffers of one stream file's parquet-java column writers, recycled: parquet-java allocates
 * its value buffers in slabs of the same few sizes for every page and releases them when the page is
 * written, so a released slab serves the next page instead of a newly allocated (and zeroed) array;
 * allocating them was the largest cost of writing float64 and int64 columns.
 * At most {@code limit} bytes wait for reuse; beyond that released buffers are left to the GC.
 * Used by one thread.
 */
final class RecyclingAllocator implements ByteBufferAllocator {

    private final Map<Integer, ArrayDeque<ByteBuffer>> free = new HashMap<>();
    private final long limit;
    private long pooled;

    RecyclingAllocator(long limit) {
        this.limit = limit;
    }

    @Override
    public ByteBuffer allocate(int size) {
        ArrayDeque<ByteBuffer> same = free.get(size);
        ByteBuffer buffer = same == null ? null : same.poll();
        if (buffer == null) {
            return ByteBuffer.allocate(size);
        }
        pooled -= size;
        return buffer.clear();
    }

    @Override
    public void release(ByteBuffer buffer) {
        int size = buffer.capacity();
        if (pooled + size <= limit) {
            free.computeIfAbsent(size, s -> new ArrayDeque<>()).push(buffer);
            pooled += size;
        }
    }

    @Override
    public boolean isDirect() {
        return false;
    }
}
