package org.daqlab.writer.tiff.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Reads the structure of a TIFF file this writer wrote (little-endian, classic or BigTIFF): the
 * header and the chain of directories, checked entry by entry against the file's size. What
 * {@link TiffStack} needs to turn its classic directories into BigTIFF ones, and what recovery needs
 * to find the complete pages of a file that a crash left behind.
 */
final class TiffStructure {

    /** Directories with more entries than this are not ours (a page has fewer than 20). */
    static final int MAX_ENTRIES = 64;

    private TiffStructure() {
    }

    /**
     * The header.
     *
     * @param big       BigTIFF
     * @param firstIfd  the first directory's offset (0: no page)
     * @param linkField the offset of the first-IFD field
     */
    record Header(boolean big, long firstIfd, long linkField) {
    }

    /**
     * One entry.
     *
     * @param field the entry's value field as in the file (4 or 8 bytes): the value, or its offset
     */
    record Entry(int tag, int type, long count, byte[] field) {

        /** Bytes of the value. */
        long valueBytes() {
            return count * Ifd.typeSize(type);
        }

        /** Whether the value is elsewhere, at {@link #offset}. */
        boolean outOfLine(boolean big) {
            return valueBytes() > Ifd.inlineBytes(big);
        }

        long offset() {
            ByteBuffer b = ByteBuffer.wrap(field).order(ByteOrder.LITTLE_ENDIAN);
            return field.length == 8 ? b.getLong() : Integer.toUnsignedLong(b.getInt());
        }
    }

    /**
     * A directory.
     *
     * @param offset    where it is
     * @param big       BigTIFF
     * @param entries   its entries, in file order
     * @param next      the next directory's offset (0: the last)
     * @param nextField the offset of the next-IFD field
     */
    record Directory(long offset, boolean big, Entry[] entries, long next, long nextField) {

        Entry entry(int tag) {
            for (Entry e : entries) {
                if (e.tag == tag) {
                    return e;
                }
            }
            return null;
        }

        /** Offset just after the directory. */
        long end() {
            return nextField + (big ? 8 : 4);
        }
    }

    /**
     * Reads the header.
     *
     * @throws IOException if the file is not a little-endian TIFF
     */
    static Header header(FileChannel channel) throws IOException {
        ByteBuffer b = read(channel, 0, 16);
        if (b.remaining() < 8 || b.get(0) != 'I' || b.get(1) != 'I') {
            throw new IOException("not a little-endian TIFF file (no 'II' header)");
        }
        int version = b.getShort(2);
        if (version == 42) {
            return new Header(false, Integer.toUnsignedLong(b.getInt(4)), 4);
        }
        if (version == 43 && b.remaining() == 16 && b.getShort(4) == 8) {
            return new Header(true, b.getLong(8), 8);
        }
        throw new IOException("not a TIFF or BigTIFF header (version " + version + ")");
    }

    /**
     * Reads and checks the directory at {@code offset}: inside a file of {@code size} bytes, with
     * sane entries in ascending tag order whose out-of-line values lie inside the file.
     *
     * @throws IOException saying what is wrong with it
     */
    static Directory directory(FileChannel channel, long offset, boolean big, long size) throws IOException {
        int countBytes = big ? 8 : 2;
        int entryBytes = big ? 20 : 12;
        if (offset < 8 || (offset & 1) == 1 || offset + countBytes > size) {
            throw new IOException("directory offset " + offset + " is outside the file of " + size + " bytes or odd");
        }
        ByteBuffer head = read(channel, offset, countBytes);
        long count = big ? head.getLong(0) : Short.toUnsignedInt(head.getShort(0));
        if (count < 1 || count > MAX_ENTRIES) {
            throw new IOException("directory at " + offset + " has " + count + " entries");
        }
        int bytes = Ifd.directoryBytes(big, (int) count);
        if (offset + bytes > size) {
            throw new IOException("directory at " + offset + " runs past the end of the file");
        }
        ByteBuffer b = read(channel, offset, bytes);
        Entry[] entries = new Entry[(int) count];
        int previous = -1;
        for (int i = 0; i < count; i++) {
            int at = countBytes + i * entryBytes;
            int tag = Short.toUnsignedInt(b.getShort(at));
            int type = Short.toUnsignedInt(b.getShort(at + 2));
            long n = big ? b.getLong(at + 4) : Integer.toUnsignedLong(b.getInt(at + 4));
            byte[] field = new byte[big ? 8 : 4];
            b.get(at + (big ? 12 : 8), field);
            Entry entry = new Entry(tag, type, n, field);
            if (tag <= previous || Ifd.typeSize(type) == 0 || n < 0 || n > size) {
                throw new IOException("directory at " + offset + ": entry " + i + " (tag " + tag + ", type " + type
                        + ", count " + n + ") is not valid");
            }
            if (entry.outOfLine(big) && (entry.offset() < 8 || entry.offset() + entry.valueBytes() > size)) {
                throw new IOException("directory at " + offset + ": the value of tag " + tag + " lies outside the file");
            }
            previous = tag;
            entries[i] = entry;
        }
        long nextField = offset + bytes - (big ? 8 : 4);
        long next = big ? b.getLong(bytes - 8) : Integer.toUnsignedLong(b.getInt(bytes - 4));
        return new Directory(offset, big, entries, next, nextField);
    }

    /** The value bytes of {@code entry}, from its field or from the file. */
    static byte[] value(FileChannel channel, Directory directory, Entry entry) throws IOException {
        int length = Math.toIntExact(entry.valueBytes());
        if (!entry.outOfLine(directory.big())) {
            byte[] value = new byte[length];
            System.arraycopy(entry.field(), 0, value, 0, length);
            return value;
        }
        ByteBuffer b = read(channel, entry.offset(), length);
        if (b.remaining() < length) {
            throw new IOException("the value of tag " + entry.tag() + " is cut off by the end of the file");
        }
        byte[] value = new byte[length];
        b.get(value);
        return value;
    }

    /** The values of an integer entry (SHORT, LONG, LONG8), e.g. strip offsets. */
    static long[] integers(FileChannel channel, Directory directory, Entry entry) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(value(channel, directory, entry)).order(ByteOrder.LITTLE_ENDIAN);
        long[] values = new long[Math.toIntExact(entry.count())];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (entry.type()) {
                case Ifd.SHORT -> Short.toUnsignedInt(b.getShort());
                case Ifd.LONG -> Integer.toUnsignedLong(b.getInt());
                case Ifd.LONG8 -> b.getLong();
                default -> throw new IOException("tag " + entry.tag() + " has type " + entry.type() + ", not an integer type");
            };
        }
        return values;
    }

    /**
     * Checks that {@code directory} describes a whole page of this writer: image size and sample
     * layout tags, strips inside the file. Returns the end of the furthest byte the page uses
     * (directory, values, strips).
     *
     * @throws IOException saying what is missing or wrong
     */
    static long checkPage(FileChannel channel, Directory directory, long size) throws IOException {
        for (int tag : new int[] {Tag.IMAGE_WIDTH, Tag.IMAGE_LENGTH, Tag.BITS_PER_SAMPLE, Tag.COMPRESSION,
                Tag.STRIP_OFFSETS, Tag.STRIP_BYTE_COUNTS}) {
            if (directory.entry(tag) == null) {
                throw new IOException("directory at " + directory.offset() + " has no tag " + tag);
            }
        }
        long[] offsets = integers(channel, directory, directory.entry(Tag.STRIP_OFFSETS));
        long[] counts = integers(channel, directory, directory.entry(Tag.STRIP_BYTE_COUNTS));
        if (offsets.length != counts.length || offsets.length == 0) {
            throw new IOException("directory at " + directory.offset() + " has " + offsets.length + " strip offsets and "
                    + counts.length + " byte counts");
        }
        long end = directory.end();
        for (int i = 0; i < offsets.length; i++) {
            if (offsets[i] < 8 || offsets[i] + counts[i] > size) {
                throw new IOException("directory at " + directory.offset() + ": strip " + i + " lies outside the file");
            }
            end = Math.max(end, offsets[i] + counts[i]);
        }
        for (Entry e : directory.entries()) {
            if (e.outOfLine(directory.big())) {
                end = Math.max(end, e.offset() + e.valueBytes());
            }
        }
        return end;
    }

    /** Reads up to {@code length} bytes at {@code position} (fewer at the end of the file). */
    static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (channel.read(b, position + b.position()) < 0) {
                break;
            }
        }
        return b.flip();
    }
}
