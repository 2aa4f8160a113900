package org.daqlab.writer.tiff.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One image file directory being built, classic TIFF or BigTIFF, little-endian. {@link #encode}
 * lays it out as one block: the values too long for their entry first, then the directory itself
 * (entry count, entries sorted by tag, next-IFD offset 0), so that a page's pixels, its values and
 * its directory go to the file in one write, before anything points at them.
 */
final class Ifd {

    static final int BYTE = 1;
    static final int ASCII = 2;
    static final int SHORT = 3;
    static final int LONG = 4;
    static final int RATIONAL = 5;
    static final int LONG8 = 16;

    private final boolean big;
    private final List<Entry> entries = new ArrayList<>();

    /** @param big BigTIFF (20-byte entries, 8-byte counts and offsets) rather than classic TIFF (12-byte entries) */
    Ifd(boolean big) {
        this.big = big;
    }

    /** A tag's value: its bytes in file order, or an offset where they already are ({@code bytes} null). */
    private record Entry(int tag, int type, long count, byte[] bytes, long offset) {
    }

    /** Bytes per value of a TIFF field type. */
    static int typeSize(int type) {
        return switch (type) {
            case BYTE, ASCII, 6, 7 -> 1;
            case SHORT, 8 -> 2;
            case LONG, 9, 11, 13 -> 4;
            case RATIONAL, 10, 12, LONG8, 17, 18 -> 8;
            default -> 0;
        };
    }

    /** The most value bytes an entry holds itself: 4 in classic TIFF, 8 in BigTIFF. */
    static int inlineBytes(boolean big) {
        return big ? 8 : 4;
    }

    /** Bytes of a directory with {@code entries} entries: count, entries, next offset. */
    static int directoryBytes(boolean big, int entries) {
        return big ? 8 + 20 * entries + 8 : 2 + 12 * entries + 4;
    }

    Ifd shorts(int tag, int... values) {
        ByteBuffer b = le(2 * values.length);
        for (int v : values) {
            b.putShort((short) v);
        }
        return add(tag, SHORT, values.length, b.array());
    }

    /** Offsets or byte counts: LONG in classic TIFF, LONG8 in BigTIFF. */
    Ifd offsets(int tag, long... values) {
        ByteBuffer b = le((big ? 8 : 4) * values.length);
        for (long v : values) {
            if (big) {
                b.putLong(v);
            } else {
                b.putInt((int) v);
            }
        }
        return add(tag, big ? LONG8 : LONG, values.length, b.array());
    }

    Ifd longs(int tag, long value) {
        return add(tag, LONG, 1, le(4).putInt((int) value).array());
    }

    Ifd rational(int tag, long numerator, long denominator) {
        return add(tag, RATIONAL, 1, le(8).putInt((int) numerator).putInt((int) denominator).array());
    }

    /** An ASCII value: {@code text} must end with its NUL. */
    Ifd ascii(int tag, byte[] text) {
        return add(tag, ASCII, text.length, text);
    }

    /** A value that is in the file already at {@code offset} (written elsewhere, or kept from an earlier version). */
    Ifd at(int tag, int type, long count, long offset) {
        entries.add(new Entry(tag, type, count, null, offset));
        return this;
    }

    Ifd add(int tag, int type, long count, byte[] bytes) {
        entries.add(new Entry(tag, type, count, bytes, 0));
        return this;
    }

    /**
     * The block as it goes to the file at {@code position} (even): out-of-line values, then the
     * directory.
     *
     * @return the bytes and where the directory and each entry land
     */
    Block encode(long position) {
        entries.sort(Comparator.comparingInt(Entry::tag));
        int inline = inlineBytes(big);
        int valueBytes = 0;
        for (Entry e : entries) {
            if (e.bytes != null && e.bytes.length > inline) {
                valueBytes += e.bytes.length + (e.bytes.length & 1); // values start on a word boundary
            }
        }
        int size = valueBytes + directoryBytes(big, entries.size());
        ByteBuffer out = le(size);
        long ifd = position + valueBytes;
        long[] valueAt = new long[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.bytes != null && e.bytes.length > inline) {
                valueAt[i] = position + out.position();
                out.put(e.bytes);
                if ((e.bytes.length & 1) == 1) {
                    out.put((byte) 0);
                }
            } else {
                valueAt[i] = e.offset;
            }
        }
        int[] tags = new int[entries.size()];
        long[] entryAt = new long[entries.size()];
        if (big) {
            out.putLong(entries.size());
        } else {
            out.putShort((short) entries.size());
        }
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            tags[i] = e.tag;
            entryAt[i] = position + out.position();
            out.putShort((short) e.tag).putShort((short) e.type);
            if (big) {
                out.putLong(e.count);
            } else {
                out.putInt((int) e.count);
            }
            int field = out.position();
            if (e.bytes != null && e.bytes.length <= inline) {
                out.put(e.bytes);
            } else if (big) {
                out.putLong(valueAt[i]);
            } else {
                out.putInt((int) valueAt[i]);
            }
            out.position(field + inline); // short values are left-justified, the rest stays zero
        }
        long next = position + out.position();
        out.position(size); // next-IFD offset: 0, linked later
        return new Block(out.flip(), ifd, next, tags, entryAt, valueAt);
    }

    /**
     * An encoded directory with its values.
     *
     * @param bytes     what to write at the block's position
     * @param ifd       the directory's offset
     * @param nextField the offset of its next-IFD field, where the following page is linked in
     * @param tags      its tags, in order
     * @param entryAt   the offset of each tag's entry
     * @param valueAt   the offset of each tag's out-of-line value (0 for values in the entry)
     */
    record Block(ByteBuffer bytes, long ifd, long nextField, int[] tags, long[] entryAt, long[] valueAt) {

        /** Offset of {@code tag}'s entry. */
        long entry(int tag) {
            return entryAt[index(tag)];
        }

        /** Offset of {@code tag}'s out-of-line value. */
        long value(int tag) {
            return valueAt[index(tag)];
        }

        private int index(int tag) {
            for (int i = 0; i < tags.length; i++) {
                if (tags[i] == tag) {
                    return i;
                }
            }
            throw new IllegalArgumentException("no tag " + tag + " in this directory");
        }
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
