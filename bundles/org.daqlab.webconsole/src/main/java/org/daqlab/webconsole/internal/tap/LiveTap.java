package org.daqlab.webconsole.internal.tap;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.FixedShapeTensorType;
import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingBuffer;
import org.daqlab.api.ring.RingReader;
import org.daqlab.api.ring.RingRecord;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The console's live view of the data: one more reader of the ring ({@value #READER_NAME}) that keeps the latest
 * {@value #HISTORY} values of every numeric column and the latest frame of every camera stream. It reads only while
 * someone looks: the first request starts it, and it stops and unregisters from the ring after
 * {@value #IDLE_SECONDS} s without one, so an unwatched console costs the acquisition nothing (in BLOCK mode a
 * registered reader would also hold producers back).
 *
 * <p>A reader sees only the records published after it opened; the schemas of streams opened earlier come from the
 * ring file's catalog ({@link RingCatalogFile}). Frames are decoded at most {@value #FRAMES_PER_SECOND} times a
 * second per stream: a viewer needs no more, and a fast camera would otherwise cost a copy per frame.
 */
@Component(service = LiveTap.class)
public final class LiveTap {

    static final String READER_NAME = "console-tap";
    /** Values kept per column: a few seconds of a 100 Hz instrument, a fraction of a second of a 10 kHz ADC. */
    static final int HISTORY = 2000;
    static final int IDLE_SECONDS = 30;
    static final int FRAMES_PER_SECOND = 10;
    private static final int RECORDS_PER_POLL = 256;
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final Logger LOG = LoggerFactory.getLogger(LiveTap.class);

    static {
        FixedShapeTensorType.register();
    }

    private final RingBuffer ring;
    private final BufferAllocator allocator;
    /** Streams by ring stream id, for decoding; guarded by {@code this}. */
    private final Map<Integer, StreamHistory> byId = new HashMap<>();
    /** The same streams by name, for the page (a closed stream stays visible until another takes its name). */
    private final Map<String, StreamHistory> byName = new TreeMap<>();
    private final Map<Integer, Long> lastFrameNanos = new HashMap<>();
    /** When the catalog was last read for a batch of an unknown stream (reader thread only). */
    private long lastCatalogNanos;
    private volatile long lastRequestNanos;
    private Thread reader;
    private boolean closed;

    @Activate
    public LiveTap(@Reference RingBuffer ring, @Reference(target = "(allocator.name=root)") BufferAllocator root) {
        this.ring = ring;
        this.allocator = root.newChildAllocator("daqlab-console-tap", 0, Long.MAX_VALUE);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        Thread running;
        synchronized (this) {
            closed = true;
            running = reader;
        }
        if (running != null) {
            running.interrupt();
            running.join(TimeUnit.SECONDS.toMillis(10));
        }
        allocator.close();
    }

    /** The streams seen so far with their numeric columns and units, and whether they carry frames. */
    public List<Map<String, Object>> streams() {
        touch();
        List<Map<String, Object>> out = new ArrayList<>();
        synchronized (this) {
            for (StreamHistory s : byName.values()) {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("stream", s.stream());
                m.put("instrument_id", s.instrumentId());
                List<Map<String, Object>> columns = new ArrayList<>();
                s.columns().forEach((name, unit) -> {
                    Map<String, Object> c = new java.util.LinkedHashMap<>();
                    c.put("name", name);
                    c.put("unit", unit);
                    columns.add(c);
                });
                m.put("columns", columns);
                m.put("frames", s.hasFrames());
                out.add(m);
            }
        }
        return out;
    }

    /** The newest {@code points} values of a column, if the tap has the stream and the column. */
    public Optional<Series> series(String stream, String column, int points) {
        touch();
        synchronized (this) {
            StreamHistory s = byName.get(stream);
            return Optional.ofNullable(s == null ? null : s.series(column, Math.min(points, HISTORY)));
        }
    }

    /** The latest frame of a stream, once the tap has seen one. */
    public Optional<Frame> latestFrame(String stream) {
        touch();
        synchronized (this) {
            StreamHistory s = byName.get(stream);
            return Optional.ofNullable(s == null ? null : s.latestFrame());
        }
    }

    /** Notes the request and starts reading if the tap was idle. */
    private synchronized void touch() {
        lastRequestNanos = System.nanoTime();
        if (reader == null && !closed) {
            reader = new Thread(this::run, "daqlab-console-tap");
            reader.setDaemon(true);
            reader.start();
        }
    }

    private void run() {
        RingReader cursor = ring.openReader(READER_NAME);
        List<VectorSchemaRoot> roots = new ArrayList<>();
        try {
            loadCatalog();
            LOG.info("console tap started: reading the ring for the live view");
            while (!Thread.currentThread().isInterrupted()) {
                if (cursor.poll(this::onRecord, RECORDS_PER_POLL) == 0) {
                    if (System.nanoTime() - lastRequestNanos > TimeUnit.SECONDS.toNanos(IDLE_SECONDS) && stopIfIdle()) {
                        LOG.info("console tap stopped: nobody looked for {} s", IDLE_SECONDS);
                        return;
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(IDLE_POLL_NANOS);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("console tap failed, the live view stops until the next request: {}", e.toString(), e);
            synchronized (this) {
                reader = null;
            }
        } finally {
            cursor.close();
            synchronized (this) {
                byId.values().forEach(StreamHistory::close);
                byId.clear();
            }
        }
    }

    /** Ends the reader unless a request came in meanwhile (then it keeps reading). */
    private synchronized boolean stopIfIdle() {
        if (System.nanoTime() - lastRequestNanos <= TimeUnit.SECONDS.toNanos(IDLE_SECONDS)) {
            return false;
        }
        reader = null;
        return true;
    }

    private void loadCatalog() {
        Path file = Path.of(ring.stats().path());
        try {
            for (RingCatalogFile.Descriptor d : RingCatalogFile.read(file).values()) {
                describe(d.streamId(), ByteBuffer.wrap(d.payload()));
            }
        } catch (IOException e) {
            LOG.warn("console tap: cannot read the schemas of open streams from {} ({}); streams show once they "
                    + "reopen", file, e.getMessage());
        }
    }

    private void onRecord(RingRecord record) {
        try {
            switch (record.type()) {
                case DESCRIPTOR -> describe(record.streamId(), record.payload());
                case BATCH -> batch(record);
                case STREAM_CLOSED -> closeStream(record.streamId());
                default -> {
                    // run documents, metadata and flushes do not change the live view
                }
            }
        } catch (IOException e) {
            LOG.warn("console tap: record {} of stream id {} could not be decoded: {}", record.index(),
                    record.streamId(), e.getMessage());
        }
    }

    private void describe(int streamId, ByteBuffer payload) throws IOException {
        Schema schema = MessageSerializer.deserializeSchema(new ReadChannel(channel(payload)));
        StreamHistory history = new StreamHistory(schema, HISTORY, allocator);
        synchronized (this) {
            StreamHistory old = byId.put(streamId, history);
            if (old != null) {
                old.close();
            }
            byName.put(history.stream(), history);
        }
    }

    private void batch(RingRecord record) throws IOException {
        StreamHistory history;
        synchronized (this) {
            history = byId.get(record.streamId());
        }
        if (history == null) {
            // a stream that opened just as the tap started may be in neither place yet (LAYOUT.md §5.2); one that the
            // catalog could not hold never is, so the file is read again at most once a second
            long now = System.nanoTime();
            if (now - lastCatalogNanos < TimeUnit.SECONDS.toNanos(1)) {
                return;
            }
            lastCatalogNanos = now;
            loadCatalog();
            synchronized (this) {
                history = byId.get(record.streamId());
            }
            if (history == null) {
                return;
            }
        }
        boolean withFrame = false;
        if (history.hasFrames()) {
            long now = System.nanoTime();
            Long last = lastFrameNanos.get(record.streamId());
            if (last != null && now - last < TimeUnit.SECONDS.toNanos(1) / FRAMES_PER_SECOND) {
                return; // decoding a frame stream's batch means copying its frames: not more often than shown
            }
            lastFrameNanos.put(record.streamId(), now);
            withFrame = true;
        }
        try (ArrowRecordBatch batch = MessageSerializer.deserializeRecordBatch(new ReadChannel(channel(record.payload())),
                allocator)) {
            if (batch == null) {
                throw new IOException("no Arrow record batch message");
            }
            synchronized (this) {
                VectorSchemaRoot root = history.root();
                new VectorLoader(root).load(batch);
                history.add(root, withFrame);
            }
        }
    }

    private synchronized void closeStream(int streamId) {
        StreamHistory s = byId.remove(streamId);
        if (s != null) {
            s.close();
        }
        lastFrameNanos.remove(streamId);
    }

    /** The payload as a channel, without copying it first. */
    private static ReadableByteChannel channel(ByteBuffer payload) {
        ByteBuffer source = payload.duplicate();
        return new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) {
                if (!source.hasRemaining()) {
                    return -1;
                }
                int n = Math.min(dst.remaining(), source.remaining());
                ByteBuffer slice = source.slice(source.position(), n);
                dst.put(slice);
                source.position(source.position() + n);
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
                // nothing to release: the record belongs to the ring reader
            }
        };
    }
}
