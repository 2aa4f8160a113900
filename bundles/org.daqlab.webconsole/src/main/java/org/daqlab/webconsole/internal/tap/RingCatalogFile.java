package org.daqlab.webconsole.internal.tap;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads the ring file's catalog as LAYOUT.md §5.2 specifies: the descriptors of the open streams, so that the console
 * tap, which joins long after most streams opened, can decode their batches. The ring's Java API hands a new reader
 * only the records published from then on; the catalog is how any reader that joins late finds the schemas.
 */
final class RingCatalogFile {

    /** A stream's current descriptor: its ring-wide index (a newer DESCRIPTOR record replaces it) and payload. */
    record Descriptor(int streamId, long index, byte[] payload) {
    }

    static final long CATALOG_OFFSET_FIELD = 32;
    static final long CATALOG_SIZE_FIELD = 40;
    static final long CATALOG_END_FIELD = 320;
    static final long CATALOG_EPOCH_FIELD = 384;
    static final int RECORD_HEADER = 40;
    static final int DESCRIPTOR_TYPE = 1;
    /** Header fields through the catalog epoch. */
    private static final int HEADER_BYTES = 4096;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** The publisher holds the epoch odd only while it rewrites a few KB: retry for a long time before giving up. */
    private static final int ATTEMPTS = 10_000;

    private RingCatalogFile() {
    }

    /**
     * The descriptors in the catalog of the ring file, by stream id.
     *
     * @throws IOException if the file cannot be read or the catalog stays in a rewrite
     */
    static Map<Integer, Descriptor> read(Path ringFile) throws IOException {
        try (FileChannel channel = FileChannel.open(ringFile, StandardOpenOption.READ)) {
            MappedByteBuffer header = channel.map(FileChannel.MapMode.READ_ONLY, 0, HEADER_BYTES);
            header.order(ByteOrder.LITTLE_ENDIAN);
            long offset = header.getLong((int) CATALOG_OFFSET_FIELD);
            long size = header.getLong((int) CATALOG_SIZE_FIELD);
            if (size <= 0 || size > Integer.MAX_VALUE) {
                throw new IOException("ring file " + ringFile + " has no usable catalog (size " + size + ")");
            }
            MappedByteBuffer catalog = channel.map(FileChannel.MapMode.READ_ONLY, offset, size);
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                long before = (long) LONGS.getAcquire(header, (int) CATALOG_EPOCH_FIELD);
                if ((before & 1) != 0) {
                    LockSupport.parkNanos(100_000);
                    continue;
                }
                long end = (long) LONGS.getAcquire(header, (int) CATALOG_END_FIELD);
                if (end < 0 || end > size) {
                    throw new IOException("ring file " + ringFile + ": catalog end " + end + " is beyond its size " + size);
                }
                byte[] copy = new byte[(int) end];
                catalog.get(0, copy);
                VarHandle.loadLoadFence();
                if ((long) LONGS.getAcquire(header, (int) CATALOG_EPOCH_FIELD) == before) {
                    return entries(ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN));
                }
            }
            throw new IOException("ring file " + ringFile + ": the catalog was being rewritten for too long");
        }
    }

    /** Walks the copied entries; for each stream id the entry with the highest index is its schema. */
    static Map<Integer, Descriptor> entries(ByteBuffer bytes) {
        Map<Integer, Descriptor> out = new HashMap<>();
        int position = 0;
        while (position + RECORD_HEADER <= bytes.limit()) {
            int length = bytes.getInt(position);
            int type = bytes.getShort(position + 4);
            // an impossible length ends the walk: the entries before it are still valid (LAYOUT.md §5.2)
            if (length < RECORD_HEADER || position + (long) length > bytes.limit()) {
                break;
            }
            if (type == DESCRIPTOR_TYPE) {
                int streamId = bytes.getInt(position + 8);
                long index = bytes.getLong(position + 16);
                byte[] payload = new byte[length - RECORD_HEADER];
                bytes.get(position + RECORD_HEADER, payload);
                Descriptor known = out.get(streamId);
                if (known == null || known.index() < index) {
                    out.put(streamId, new Descriptor(streamId, index, payload));
                }
            }
            position += (length + 7) & ~7;
        }
        return out;
    }
}
