package org.daqlab.driver.sim.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.daqlab.api.instrument.DataPublisher;
import org.daqlab.api.instrument.StreamPublisher;
import org.daqlab.api.run.StreamDescriptor;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A {@link DataPublisher} for tests, standing in for the core: it checks batches as the core's
 * contract says, and keeps a copy of every published batch as an Arrow IPC stream, so the copy is
 * independent of the driver's reused buffers and the test reads exactly what a ring reader would
 * decode (extension types included).
 */
final class RecordingPublisher implements DataPublisher {

    /** Generous bound on waiting for batches; only reached if the instrument is broken. */
    private static final long WAIT_LIMIT_MS = 30_000;

    private final List<RecordingStream> streams = new ArrayList<>();
    private LongPredicate failPublishCall = call -> false;

    /** Makes the stream's {@code publish} throw {@link IllegalArgumentException} on the matching calls (from 0). */
    RecordingPublisher failingOn(LongPredicate publishCall) {
        this.failPublishCall = publishCall;
        return this;
    }

    @Override
    public synchronized StreamPublisher openStream(StreamDescriptor descriptor) {
        if (streams.stream().anyMatch(s -> !s.closed && s.descriptor.stream().equals(descriptor.stream()))) {
            throw new IllegalArgumentException("stream '" + descriptor.stream() + "' is already open");
        }
        RecordingStream stream = new RecordingStream(descriptor, failPublishCall);
        streams.add(stream);
        return stream;
    }

    /** The only stream opened. */
    synchronized RecordingStream stream() {
        assertTrue(streams.size() == 1, "expected one stream, got " + streams.size());
        return streams.get(0);
    }

    /** One published batch: the index of the publish call that produced it, and its IPC bytes. */
    record Batch(long publishCall, byte[] ipcStream) {

        /** Decodes the batch with {@code allocator} and hands it to {@code reader}; the copy is closed afterwards. */
        void read(BufferAllocator allocator, Consumer<VectorSchemaRoot> reader) {
            try (ArrowStreamReader ipc = new ArrowStreamReader(new ByteArrayInputStream(ipcStream), allocator)) {
                assertTrue(ipc.loadNextBatch(), "the IPC stream holds a batch");
                reader.accept(ipc.getVectorSchemaRoot());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A stream that records what the instrument publishes. */
    static final class RecordingStream implements StreamPublisher {

        private final StreamDescriptor descriptor;
        private final LongPredicate failPublishCall;
        private final List<Batch> batches = new ArrayList<>();
        private final Map<String, Object> metadata = new LinkedHashMap<>();
        private long publishCalls;
        private long rows;
        private volatile boolean closed;

        RecordingStream(StreamDescriptor descriptor, LongPredicate failPublishCall) {
            this.descriptor = descriptor;
            this.failPublishCall = failPublishCall;
        }

        @Override
        public StreamDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public synchronized long publish(VectorSchemaRoot batch) {
            if (closed) {
                throw new IllegalStateException("stream '" + descriptor.stream() + "' is closed");
            }
            long call = publishCalls++;
            notifyAll(); // a failed call counts too, for awaitPublishCalls
            if (!batch.getSchema().equals(descriptor.schema())) {
                throw new IllegalArgumentException("batch schema differs from the descriptor's");
            }
            if (batch.getRowCount() == 0) {
                throw new IllegalArgumentException("batch has no rows");
            }
            if (failPublishCall.test(call)) {
                throw new IllegalArgumentException("simulated publish failure");
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ArrowStreamWriter writer = new ArrowStreamWriter(batch, null, bytes)) {
                writer.start();
                writer.writeBatch();
                writer.end();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            batches.add(new Batch(call, bytes.toByteArray()));
            rows += batch.getRowCount();
            return batches.size() - 1;
        }

        @Override
        public synchronized void setMetadata(String key, Object value) {
            metadata.put(key, value);
        }

        synchronized Map<String, Object> metadata() {
            return Map.copyOf(metadata);
        }

        @Override
        public synchronized long batchesPublished() {
            return batches.size();
        }

        @Override
        public synchronized long rowsPublished() {
            return rows;
        }

        @Override
        public void close() {
            closed = true;
        }

        boolean isClosed() {
            return closed;
        }

        /** Waits until {@code count} batches were published and returns the first {@code count}. */
        synchronized List<Batch> awaitBatches(int count) throws InterruptedException {
            awaitCondition(() -> batches.size() >= count, () -> batches.size() + " of " + count + " batches published");
            return List.copyOf(batches.subList(0, count));
        }

        /** Waits until {@code publish} was called {@code count} times, whether the calls failed or not. */
        synchronized void awaitPublishCalls(long count) throws InterruptedException {
            awaitCondition(() -> publishCalls >= count, () -> publishCalls + " of " + count + " publish calls made");
        }

        private void awaitCondition(BooleanSupplier reached, Supplier<String> progress) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_LIMIT_MS);
            while (!reached.getAsBoolean()) {
                long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMs <= 0) {
                    fail("gave up waiting: only " + progress.get());
                }
                wait(remainingMs);
            }
        }
    }
}
