package org.daqlab.ringbuffer.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The byte layout of a ring file, version 1. Every number is little-endian. Other processes (a
 * second JVM, Python, Julia) read the live ring through this layout, so changing any offset here
 * means a new {@link #LAYOUT_VERSION}.
 *
 * <h2>File</h2>
 * A {@value #HEADER_SIZE}-byte header region followed by {@code capacity} data bytes
 * ({@code capacity} is a multiple of 8, from {@value #MIN_CAPACITY} bytes to 1 GiB in this version:
 * the whole file is one {@code MappedByteBuffer}).
 *
 * <h2>Header</h2>
 * <pre>
 * offset  size  field
 *      0     8  magic "DAQRING1" (ASCII); written last when a ring is created
 *      8     4  int32 layout version (1)
 *     12     4  int32 header size (4096)
 *     16     8  int64 capacity: size of the data region in bytes
 *     24     4  int32 number of reader slots (48)
 *     64     8  int64 writePosition: absolute position after the last published record
 *    128     8  int64 oldestPosition: absolute position of the oldest record still intact
 *    192     8  int64 recordsPublished: index the next record will get
 *    256     8  int64 blockTimeouts: times a BLOCK producer gave up waiting and overwrote
 *   1024  48*64 reader slots
 * </pre>
 * The four counters sit on their own 64-byte cache lines so that producers updating one do not
 * invalidate a reader's copy of another. They are read with acquire and written with release
 * semantics.
 *
 * <h2>Reader slot</h2>
 * <pre>
 * offset  size  field
 *     +0     8  int64 state: 0 free, 1 active (claimed with compare-and-set)
 *     +8     8  int64 cursor: absolute position of the next record the reader will read
 *    +16     8  int64 owner process id
 *    +24     8  int64 heartbeat: wall-clock ns since the Unix epoch of the reader's last poll
 *    +32    32  name, UTF-8, zero padded (truncated at a character boundary)
 * </pre>
 * {@code BLOCK} producers wait until every active slot's {@code cursor + capacity} reaches the end
 * of the record they are about to write.
 *
 * <h2>Positions</h2>
 * Positions are absolute, monotonically increasing byte positions in the log, starting at 0 when the
 * ring is created; the byte offset in the data region is {@code position % capacity}. Every record
 * starts at a multiple of 8.
 *
 * <h2>Record</h2>
 * <pre>
 * offset  size  field
 *      0     4  int32 length: header plus payload, before alignment padding
 *      4     2  int16 type code (RecordType.code())
 *      6     2  int16 flags (0)
 *      8     4  int32 stream id
 *     12     4  int32 reserved (0)
 *     16     8  int64 record index: ring-wide, from 0, for every record but padding
 *     24     8  int64 sequence
 *     32     8  int64 producer timestamp, ns since the Unix epoch
 *     40     -  payload (length - 40 bytes)
 * </pre>
 * The next record starts at {@code position + align8(length)}. A record never wraps around the end
 * of the data region: when it does not fit, the producer first writes a PADDING record (type 0)
 * covering the rest of the region (always a multiple of 8 and at least 8 bytes; only its length and
 * type are written) and the record starts at offset 0 of the next lap. A record's aligned length is
 * at most {@link #maxRecordBytes(long) half the capacity}.
 *
 * <h2>Publication protocol</h2>
 * Before writing any byte of a record, the producer advances {@code oldestPosition} past every
 * record that the write will overwrite; after writing it, it stores {@code writePosition}. A reader
 * copies a record at position {@code p < writePosition}, then re-reads {@code oldestPosition}: if
 * that has passed {@code p}, the copy may be torn and is discarded (the reader was lapped).
 */
final class RingLayout {

    /** Version of this layout, stored at {@link #LAYOUT_VERSION_OFFSET}. */
    static final int LAYOUT_VERSION = 1;
    /** Size of the header region; the data region starts here. */
    static final int HEADER_SIZE = 4096;

    /** "DAQRING1" read as one little-endian int64, so that it can be stored with release semantics. */
    static final long MAGIC = ByteBuffer.wrap("DAQRING1".getBytes(StandardCharsets.US_ASCII))
            .order(ByteOrder.LITTLE_ENDIAN)
            .getLong();

    static final int MAGIC_OFFSET = 0;
    static final int LAYOUT_VERSION_OFFSET = 8;
    static final int HEADER_SIZE_OFFSET = 12;
    static final int CAPACITY_OFFSET = 16;
    static final int READER_SLOT_COUNT_OFFSET = 24;
    static final int WRITE_POSITION_OFFSET = 64;
    static final int OLDEST_POSITION_OFFSET = 128;
    static final int RECORDS_PUBLISHED_OFFSET = 192;
    static final int BLOCK_TIMEOUTS_OFFSET = 256;

    static final int READER_SLOTS_OFFSET = 1024;
    static final int READER_SLOT_SIZE = 64;
    static final int READER_SLOT_COUNT = 48;
    static final int SLOT_STATE = 0;
    static final int SLOT_CURSOR = 8;
    static final int SLOT_PID = 16;
    static final int SLOT_HEARTBEAT = 24;
    static final int SLOT_NAME = 32;
    static final int SLOT_NAME_BYTES = 32;
    static final long SLOT_FREE = 0;
    static final long SLOT_ACTIVE = 1;

    static final int RECORD_HEADER_SIZE = 40;
    static final int RECORD_LENGTH = 0;
    static final int RECORD_TYPE = 4;
    static final int RECORD_FLAGS = 6;
    static final int RECORD_STREAM_ID = 8;
    static final int RECORD_RESERVED = 12;
    static final int RECORD_INDEX = 16;
    static final int RECORD_SEQUENCE = 24;
    static final int RECORD_TIMESTAMP = 32;
    static final int RECORD_ALIGNMENT = 8;

    /** Smallest data capacity: one page. */
    static final long MIN_CAPACITY = 4096;
    /** Largest data capacity while the file is a single {@code MappedByteBuffer} (1 GiB). */
    static final long MAX_CAPACITY = 1L << 30;

    private RingLayout() {
    }

    /** {@code length} rounded up to the record alignment. */
    static long align(long length) {
        return (length + RECORD_ALIGNMENT - 1) & -RECORD_ALIGNMENT;
    }

    /**
     * Largest aligned record length for a capacity: half of it, rounded down to the alignment.
     * With that bound a record and the padding in front of it (which is only written when the record
     * does not fit, so it is shorter than the record) never exceed the capacity together: a publish
     * never overwrites a part of itself, and the ring always holds at least the newest record whole.
     */
    static long maxRecordBytes(long capacity) {
        return (capacity / 2) & -RECORD_ALIGNMENT;
    }

    /** Byte offset in the file of a reader slot. */
    static int slotOffset(int slot) {
        return READER_SLOTS_OFFSET + slot * READER_SLOT_SIZE;
    }
}
