package org.daqlab.ringbuffer.internal;

import static org.daqlab.ringbuffer.internal.RingLayout.CATALOG_END_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.CATALOG_EPOCH_OFFSET;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_HEADER_SIZE;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_INDEX;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_SEQUENCE;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_STREAM_ID;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_TIMESTAMP;
import static org.daqlab.ringbuffer.internal.RingLayout.RECORD_WORD;
import static org.daqlab.ringbuffer.internal.RingLayout.align;
import static org.daqlab.ringbuffer.internal.RingLayout.word;

import org.daqlab.api.ring.RecordType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The catalog region (LAYOUT.md §5.2): the descriptors of the open streams, so that a reader that
 * joins late can decode batches whose DESCRIPTOR record was overwritten long ago.
 */
final class RingCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(RingCatalog.class);

    /** One catalog entry: a descriptor record as it was published. */
    record Entry(int streamId, long index, long sequence, long timestampNs, byte[] payload) {

        long size() {
            return align(RECORD_HEADER_SIZE + (long) payload.length);
        }
    }

    private final RingFile file;
    /** Publisher side: the descriptors of the open streams, by stream id, in opening order. */
    private final Map<Integer, Entry> open = new LinkedHashMap<>();
    // Publisher side: its own copies of catalogEnd and catalogEpoch, never read back from the header,
    // which another process can overwrite (a negative end would fail every stream that opens).
    private long end;
    private long epoch;

    RingCatalog(RingFile file) {
        this.file = file;
        this.end = file.getLong(CATALOG_END_OFFSET);
        this.epoch = file.getLong(CATALOG_EPOCH_OFFSET);
    }

    /** Publisher: a stream opened (or its id got a new descriptor). */
    synchronized void opened(Entry entry) {
        open.put(entry.streamId(), entry);
        if (end + entry.size() <= file.catalog.capacity()) {
            write(entry, (int) end);
            end += entry.size();
            file.setLong(CATALOG_END_OFFSET, end);
        } else {
            rewrite();
        }
    }

    /** Publisher: a stream closed; its entry leaves the catalog at the next rewrite. */
    synchronized void closed(int streamId) {
        open.remove(streamId);
    }

    /** Writes the open streams' entries from the start, as a SeqLock writer (odd epoch meanwhile). */
    private void rewrite() {
        file.setLong(CATALOG_EPOCH_OFFSET, epoch + 1);
        VarHandle.releaseFence(); // the entries below must not become visible before the odd epoch
        end = 0;
        List<Integer> leftOut = new ArrayList<>();
        for (Entry entry : open.values()) {
            if (end + entry.size() <= file.catalog.capacity()) {
                write(entry, (int) end);
                end += entry.size();
            } else {
                leftOut.add(entry.streamId());
            }
        }
        file.setLong(CATALOG_END_OFFSET, end);
        epoch += 2;
        file.setLong(CATALOG_EPOCH_OFFSET, epoch);
        if (!leftOut.isEmpty()) {
            LOG.error("Ring {}: the {}-byte catalog cannot hold the descriptors of all {} open streams; streams {}"
                    + " are left out, so readers that join late cannot decode them until they see their DESCRIPTOR"
                    + " record", file.path, file.catalog.capacity(), open.size(), leftOut);
        }
    }

    private void write(Entry entry, int at) {
        ByteBuffer catalog = file.catalog;
        int length = RECORD_HEADER_SIZE + entry.payload().length;
        catalog.putInt(at + RECORD_STREAM_ID, entry.streamId());
        catalog.putLong(at + RECORD_INDEX, entry.index());
        catalog.putLong(at + RECORD_SEQUENCE, entry.sequence());
        catalog.putLong(at + RECORD_TIMESTAMP, entry.timestampNs());
        catalog.put(at + RECORD_HEADER_SIZE, entry.payload());
        catalog.putLong(at + RECORD_WORD, word(length, RecordType.DESCRIPTOR.code(), 0));
    }

    /**
     * Reader: the catalog's current entries, the latest per stream id, read as a SeqLock reader
     * (LAYOUT.md §5.2).
     */
    Collection<Entry> read() {
        while (true) {
            long epoch = file.getLong(CATALOG_EPOCH_OFFSET);
            if ((epoch & 1) != 0) {
                LockSupport.parkNanos(10_000);
                continue;
            }
            int end = (int) Math.min(file.getLong(CATALOG_END_OFFSET), file.catalog.capacity());
            byte[] copy = new byte[end];
            file.catalog.get(0, copy);
            VarHandle.acquireFence();
            if (file.getLong(CATALOG_EPOCH_OFFSET) == epoch) {
                return parse(ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN));
            }
        }
    }

    private Collection<Entry> parse(ByteBuffer copy) {
        Map<Integer, Entry> latest = new HashMap<>();
        int at = 0;
        while (at + RECORD_HEADER_SIZE <= copy.limit()) {
            int length = copy.getInt(at);
            if (length < RECORD_HEADER_SIZE || at + (long) length > copy.limit()) {
                LOG.error("Ring {}: catalog entry at offset {} has an impossible length {}; ignoring the rest",
                        file.path, at, length);
                break;
            }
            byte[] payload = new byte[length - RECORD_HEADER_SIZE];
            copy.get(at + RECORD_HEADER_SIZE, payload);
            Entry entry = new Entry(copy.getInt(at + RECORD_STREAM_ID), copy.getLong(at + RECORD_INDEX),
                    copy.getLong(at + RECORD_SEQUENCE), copy.getLong(at + RECORD_TIMESTAMP), payload);
            latest.merge(entry.streamId(), entry, (a, b) -> a.index() >= b.index() ? a : b);
            at += (int) align(length);
        }
        return latest.values();
    }
}
