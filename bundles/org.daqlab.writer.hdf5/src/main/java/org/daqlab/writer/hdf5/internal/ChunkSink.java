package org.daqlab.writer.hdf5.internal;

import org.daqlab.writer.hdf5.internal.SegmentModel.ChunkRef;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.zip.CRC32C;

/**
 * Where full chunks go during the run: each is encoded on the worker pool, appended to the data file
 * and recorded in the journal with its checksum. At most {@code inFlight} chunks wait or are being
 * encoded, so memory stays bounded and a writer that cannot keep up slows its runner (the ring
 * buffer absorbs it) instead of growing the heap.
 */
final class ChunkSink {

    private final FileChannel data;
    /** The data file, for messages. */
    private final Path file;
    private final Journal.Writer journal;
    private final ExecutorService pool;
    private final ChunkCodec codec;
    private final Semaphore permits;
    private final Queue<Future<?>> pending = new ArrayDeque<>();
    private final long dataStart;
    private long end;

    ChunkSink(FileChannel data, Path file, long dataStart, Journal.Writer journal, ExecutorService pool, ChunkCodec codec,
            int inFlight) {
        this.data = data;
        this.dataStart = dataStart;
        this.file = file;
        this.end = dataStart;
        this.journal = journal;
        this.pool = pool;
        this.codec = codec;
        this.permits = new Semaphore(inFlight);
    }

    /** Where chunk data begins: the bytes before it are reserved for the HDF5 metadata. */
    long dataStart() {
        return dataStart;
    }

    /**
     * Hands over a full (or final, zero-padded) chunk; {@code chunk} belongs to the sink afterwards.
     *
     * @throws IOException if an earlier chunk failed, or the wait for a free slot was interrupted
     */
    void submit(int group, int column, long index, byte[] chunk, int rows, int elementSize) throws IOException {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the HDF5 compression workers");
        }
        try {
            pending.add(pool.submit(() -> {
                try {
                    store(group, column, index, codec.encode(chunk, elementSize), rows);
                } finally {
                    permits.release();
                }
                return null;
            }));
        } catch (RuntimeException rejected) {
            permits.release();
            throw new IOException("the HDF5 writer's compression workers are shut down (the writer is stopping)", rejected);
        }
        reapDone();
    }

    /** Whether chunks are stored as they are (no filter): then {@link #storeNow} may be used. */
    boolean storesAsIs() {
        return !codec.filtered();
    }

    /**
     * Stores a full chunk that needs no encoding right away, on the caller's thread, straight from
     * {@code chunk} (typically a view of an Arrow buffer: no copy is made, which is what lets an
     * unfiltered write keep up with the disk).
     */
    void storeNow(int group, int column, long index, ByteBuffer chunk, int rows) throws IOException {
        reapDone();
        store(group, column, index, chunk, rows);
    }

    private void store(int group, int column, long index, byte[] stored, int rows) throws IOException {
        store(group, column, index, ByteBuffer.wrap(stored), rows);
    }

    private void store(int group, int column, long index, ByteBuffer bytes, int rows) throws IOException {
        int length = bytes.remaining();
        long at;
        synchronized (this) {
            at = end;
            end += length;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate());
        try {
            for (long position = at; bytes.hasRemaining(); ) {
                position += data.write(bytes, position);
            }
        } catch (IOException e) {
            // the JDK's message ("No space left on device") names no file
            throw new IOException("writing a chunk to " + file + " failed: " + e.getMessage(), e);
        }
        journal.append(Journal.Kind.CHUNK, SegmentModel.chunkRecord(group, column, index,
                new ChunkRef(at, length, rows, (int) crc.getValue())));
    }

    /**
     * Waits until every chunk handed over is in the data file and recorded.
     *
     * @throws IOException the first failure of a chunk, naming the file
     */
    void awaitAll() throws IOException {
        while (!pending.isEmpty()) {
            await(pending.poll());
        }
    }

    /** Drops finished chunks from the head of the queue, surfacing a failure early. */
    private void reapDone() throws IOException {
        while (!pending.isEmpty() && pending.peek().isDone()) {
            await(pending.poll());
        }
    }

    private static void await(Future<?> chunk) throws IOException {
        try {
            chunk.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the HDF5 compression workers");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException("encoding a chunk failed: " + cause, cause);
        }
    }
}
