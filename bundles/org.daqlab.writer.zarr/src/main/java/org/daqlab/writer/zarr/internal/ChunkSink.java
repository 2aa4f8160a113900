package org.daqlab.writer.zarr.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;

/**
 * Where the full chunks of a segment go while data arrives: each is encoded and written by the
 * worker pool. At most {@code inFlight} chunks wait or are being encoded, so memory stays bounded
 * and a writer that cannot keep up slows its runner (the ring buffer absorbs it) instead of growing
 * the heap. A failed chunk fails every later call: the store is then consistent up to the last
 * flush, and no later flush may claim rows whose chunk is missing.
 */
final class ChunkSink {

    private final ExecutorService pool;
    private final Semaphore permits;
    private final Queue<Future<?>> pending = new ArrayDeque<>();
    private IOException failure;

    ChunkSink(ExecutorService pool, int inFlight) {
        this.pool = pool;
        this.permits = new Semaphore(inFlight);
    }

    /**
     * Hands a chunk's encoding and writing to the pool.
     *
     * @throws IOException if an earlier chunk failed, or the wait for a free slot was interrupted
     */
    void submit(Parallel.Task chunk) throws IOException {
        reapDone();
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the Zarr writer's compression workers");
        }
        try {
            pending.add(pool.submit(() -> {
                try {
                    chunk.run();
                } finally {
                    permits.release();
                }
                return null;
            }));
        } catch (RejectedExecutionException rejected) {
            permits.release();
            throw new IOException("the Zarr writer's compression workers are shut down (the writer is stopping)", rejected);
        }
    }

    /**
     * Waits until every chunk handed over is written.
     *
     * @throws IOException the first failure of a chunk (also if it was reported before)
     */
    void awaitAll() throws IOException {
        while (!pending.isEmpty()) {
            take(pending.poll());
        }
        throwIfFailed();
    }

    /** Drops finished chunks from the head of the queue, surfacing a failure early. */
    private void reapDone() throws IOException {
        while (!pending.isEmpty() && pending.peek().isDone()) {
            take(pending.poll());
        }
        throwIfFailed();
    }

    private void take(Future<?> chunk) throws IOException {
        try {
            Parallel.await(chunk);
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
    }

    private void throwIfFailed() throws IOException {
        if (failure != null) {
            throw new IOException(failure.getMessage(), failure);
        }
    }
}
