package org.daqlab.ringbuffer.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Offsets and rules of the ring file, layout version 2, as specified byte by byte in the bundle's
 * {@code LAYOUT.md} (the source of truth: change that page first, and the version with it). Every
 * number is little-endian.
 */
final class RingLayout {

    /** Version of this layout, stored at {@link #LAYOUT_VERSION_OFFSET}. */
    static final int LAYOUT_VERSION = 2;
    /** Size of the header region; the catalog starts here. */
    static final int HEADER_SIZE = 4096;

    /** "DAQLRING" read as one little-endian int64, so that it can be stored with release semantics. */
    static final long MAGIC = ByteBuffer.wrap("DAQLRING".getBytes(StandardCharsets.US_ASCII))
            .order(ByteOrder.LITTLE_ENDIAN)
            .getLong();

    // header fields, written once at creation
    static final int MAGIC_OFFSET = 0;
    static final int LAYOUT_VERSION_OFFSET = 8;
    static final int HEADER_SIZE_OFFSET = 12;
    static final int CAPACITY_OFFSET = 16;
    static final int READER_SLOT_COUNT_OFFSET = 24;
    static final int SEGMENT_SIZE_OFFSET = 28;
    static final int CATALOG_OFFSET_OFFSET = 32;
    static final int CATALOG_SIZE_OFFSET = 40;
    static final int DATA_OFFSET_OFFSET = 48;
    static final int PUBLISHER_PID_OFFSET = 56;
    // header counters, one cache line each
    static final int WRITE_POSITION_OFFSET = 64;
    static final int OLDEST_POSITION_OFFSET = 128;
    static final int RECORDS_CLAIMED_OFFSET = 192;
    static final int BLOCK_TIMEOUTS_OFFSET = 256;
    static final int CATALOG_END_OFFSET = 320;
    static final int CATALOG_EPOCH_OFFSET = 384;
    static final int DEAD_READERS_OFFSET = 448;
    static final int ABANDONED_CLAIMS_OFFSET = 512;

    static final int READER_SLOTS_OFFSET = 1024;
    static final int READER_SLOT_SIZE = 64;
    static final int READER_SLOT_COUNT = 48;
    static final int SLOT_STATE = 0;
    static final int SLOT_CURSOR = 8;
    static final int SLOT_PID = 16;
    static final int SLOT_HEARTBEAT = 24;
    static final int SLOT_LOST = 32;
    static final int SLOT_NAME = 40;
    static final int SLOT_NAME_BYTES = 24;
    static final long SLOT_FREE = 0;
    static final long SLOT_ACTIVE = 1;

    static final int RECORD_HEADER_SIZE = 40;
    /** The record word: length (int32), type (int16), flags (int16), accessed as one int64. */
    static final int RECORD_WORD = 0;
    static final int RECORD_STREAM_ID = 8;
    static final int RECORD_RESERVED = 12;
    static final int RECORD_INDEX = 16;
    static final int RECORD_SEQUENCE = 24;
    static final int RECORD_TIMESTAMP = 32;
    static final int RECORD_ALIGNMENT = 8;
    /** Flag bit: the claim was given up; the record carries no data. */
    static final int FLAG_ABORTED = 1;

    /** Smallest data capacity and segment size: one page. */
    static final long MIN_CAPACITY = 4096;
    /** Largest data capacity this implementation creates (1 TiB); the layout itself has no limit. */
    static final long MAX_CAPACITY = 1L << 40;
    /** Segment size of rings larger than this: each segment is one {@code MappedByteBuffer}. */
    static final int DEFAULT_SEGMENT_SIZE = 1 << 30;
    /** Catalog size of the rings this implementation creates. */
    static final long DEFAULT_CATALOG_SIZE = 1 << 20;
    /** File-system page: the catalog size is a multiple of it, so the data region starts on a page. */
    static final int PAGE = 4096;

    private RingLayout() {
    }

    /** {@code length} rounded up to the record alignment. */
    static long align(long length) {
        return (length + RECORD_ALIGNMENT - 1) & -RECORD_ALIGNMENT;
    }

    /**
     * Largest aligned record for a capacity and segment size (LAYOUT.md §4.1): at most half the
     * capacity, so that a record and the padding in front of it (shorter than the record) never
     * exceed the capacity together, and at most a segment, which a record never crosses.
     */
    static long maxRecordBytes(long capacity, long segmentSize) {
        return Math.min(capacity / 2, segmentSize) & -RECORD_ALIGNMENT;
    }

    /** Byte offset in the file of a reader slot. */
    static int slotOffset(int slot) {
        return READER_SLOTS_OFFSET + slot * READER_SLOT_SIZE;
    }

    /** The record word of a record: length, type and flags as one little-endian int64. */
    static long word(int length, int type, int flags) {
        return (length & 0xFFFF_FFFFL) | ((long) (type & 0xFFFF) << 32) | ((long) (flags & 0xFFFF) << 48);
    }

    static int wordLength(long word) {
        return (int) word;
    }

    static int wordType(long word) {
        return (short) (word >>> 32);
    }

    static int wordFlags(long word) {
        return (int) (word >>> 48) & 0xFFFF;
    }
}
