package org.daqlab.writer.tiff.internal;

import org.apache.arrow.memory.ArrowBuf;
import org.daqlab.api.storage.OutputFile;
import org.daqlab.api.storage.OwnOutputs;
import org.daqlab.api.storage.StorageErrors;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * One multi-page TIFF file: the frames of one frame column of one stream, a page each, in order.
 *
 * <p>The file starts with 16 bytes for the header (a classic header followed by 8 zero bytes, or a
 * BigTIFF header). Each page is one block: its strips, its out-of-line values and its directory. The
 * pages of a batch form a group, written in one call at the end of the file, each directory's next-IFD
 * offset pointing at the next page of the group and the last one's at nothing (0). Only then is the
 * group linked in, by writing its first directory's offset into the previous directory's next-IFD
 * field (the header's first-IFD field for the first page). So at any moment the chain from the header
 * holds complete pages only, and a process killed at any point leaves a file whose every linked page
 * reads back.
 *
 * <p>A classic file that would pass {@link TiffSettings#classicLimit} (4 GiB) becomes a BigTIFF
 * ({@code bigtiff=auto}): a BigTIFF directory for every page so far is written after the last page,
 * chained (values longer than 8 bytes stay where they are), forced to disk, and the header is then
 * turned into a BigTIFF header pointing at that chain, as one 16-byte write. Before that write the
 * file is the classic file it was; after it, the BigTIFF one.
 *
 * <p>The first page's ImageJ description has a fixed length and is rewritten in place with the page
 * count at every flush and at the end; the metadata JSON of the first page is written anew after the
 * last page when it changed, and its entry is then pointed at it (one small write).
 *
 * <p>With deflate, frames are copied and compressed on the worker pool; pages are written in order
 * as they finish, at most a few in flight. Used by the core's runner thread only.
 */
final class TiffStack {

    private static final byte[] SOFTWARE = "daqlab\0".getBytes(StandardCharsets.US_ASCII);
    private static final ByteBuffer PAD = ByteBuffer.allocateDirect(1);
    /** Compression in flight holds at most this much frame memory (but always two pages). */
    private static final long IN_FLIGHT_BYTES = 64L << 20;
    /** With bigtiff=never a file ends this much before 4 GiB, leaving room for metadata rewritten at the end. */
    static final long METADATA_ROOM = 64L << 10;
    /** With bigtiff=never, what a page may need besides its strips: pad, row JSON, values, directory. */
    private static final long PAGE_ROOM = 16L << 10;
    private static final int STAGING = 1 << 20;
    /** A group is written once it has this many pieces (the JDK writes at most 1,024 in one call) … */
    private static final int MAX_GROUP_PIECES = 900;
    /** … or this many bytes. */
    private static final long MAX_GROUP_BYTES = 64L << 20;

    final OutputFile output;
    /** The stream as published. */
    final String stream;
    final String column;
    final PixelType type;
    final int height;
    final int width;
    final int frameBytes;
    private final TiffSettings settings;
    private final ImageJDescription description;
    /** XResolution = YResolution = pixels per unit as numerator and denominator, or null. */
    private final long[] resolution;
    private final FileChannel channel;
    private final LockFile lock;
    private final PageEncoder encoder;
    private final ExecutorService pool;
    private final int maxInFlight;
    private final Consumer<String> notices;
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();

    private boolean big;
    /** Everything before is complete (pages, values, directories, or unreferenced leftovers); the channel is positioned here. */
    private long end = 16;
    /** Where the next page's directory offset goes. */
    private long linkField;
    private long pages;
    private long describedPages;
    private long descriptionAt;
    private long metadataEntryAt;
    /** The metadata for the first page, until there is one. */
    private byte[] firstMetadata;
    /** Offsets of the classic directories, while the file may still become a BigTIFF. */
    private long[] classicIfds;
    /**
     * Pages built but not yet written, chained among themselves: written together in one call, then
     * linked in with one write. Their buffers must stay valid until then (Arrow's until the end of the
     * batch, recycled compression buffers until the group is written).
     */
    private final List<ByteBuffer> group = new ArrayList<>();
    private final List<PageEncoder.Encoded> groupEncoded = new ArrayList<>();
    private int groupPages;
    private long groupEnd = 16;
    private long groupFirstIfd;
    private Ifd.Block groupLast;
    private boolean ended;
    private IOException failure;

    /** A frame being compressed, and its page's row JSON. */
    private record Pending(Future<PageEncoder.Encoded> encoded, byte[] frameJson) {
    }

    private TiffStack(OutputFile output, String stream, String column, PixelType type, int height, int width,
            TiffSettings settings, ImageJDescription description, long[] resolution, FileChannel channel, LockFile lock,
            PageEncoder encoder, ExecutorService pool, byte[] metadata, Consumer<String> notices) {
        this.output = output;
        this.stream = stream;
        this.column = column;
        this.type = type;
        this.height = height;
        this.width = width;
        this.frameBytes = Math.multiplyExact(Math.multiplyExact(height, width), type.bytes());
        this.settings = settings;
        this.description = description;
        this.resolution = resolution;
        this.channel = channel;
        this.lock = lock;
        this.encoder = encoder;
        this.pool = pool;
        this.maxInFlight = (int) Math.max(2, Math.min(2L * settings.threads() + 2, IN_FLIGHT_BYTES / frameBytes));
        this.firstMetadata = metadata;
        this.notices = notices;
        this.big = settings.bigTiff() == TiffSettings.BigTiff.ALWAYS;
        this.linkField = big ? 8 : 4;
        this.classicIfds = settings.bigTiff() == TiffSettings.BigTiff.AUTO ? new long[64] : null;
    }

    /**
     * Creates the file of {@code output} (created empty by the core), marks it unfinished and writes
     * the header.
     *
     * @param encoder   compresses pages, or null to write them as they are
     * @param metadata  the metadata JSON of the first page (NUL-terminated)
     * @throws IOException naming the file and the fix
     */
    static TiffStack create(OutputFile output, String stream, String column, PixelType type, int height, int width,
            TiffSettings settings, ImageJDescription description, long[] resolution, PageEncoder encoder,
            ExecutorService pool, byte[] metadata, Consumer<String> notices) throws IOException {
        Path path = output.path();
        OwnOutputs.add(path);
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new IOException("cannot create the TIFF file " + path + ": " + StorageErrors.reason(e) + StorageErrors.fix(path), e);
        }
        LockFile lock = null;
        try {
            lock = LockFile.create(path);
            TiffStack stack = new TiffStack(output, stream, column, type, height, width, settings, description, resolution,
                    channel, lock, encoder, pool, metadata, notices);
            ByteBuffer header = Ifd.le(16);
            if (stack.big) {
                header.put((byte) 'I').put((byte) 'I').putShort((short) 43).putShort((short) 8).putShort((short) 0);
            } else {
                header.put((byte) 'I').put((byte) 'I').putShort((short) 42);
            }
            writeFully(channel, header.clear(), 0);
            channel.position(16);
            return stack;
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (lock != null) {
                lock.release();
            }
            if (e instanceof IOException io) {
                throw new IOException("cannot start the TIFF file " + path + " of stream '" + stream + "': " + StorageErrors.reason(io)
                        + StorageErrors.fix(path), io);
            }
            throw e;
        }
    }

    Path path() {
        return output.path();
    }

    /** Pages in the file (not those still being compressed). */
    long pages() {
        return pages;
    }

    boolean bigTiff() {
        return big;
    }

    boolean ended() {
        return ended;
    }

    /**
     * Whether one more page surely fits: always, but with {@code bigtiff=never}, where a classic file
     * must stay below 4 GiB with every page in flight and room for its metadata.
     */
    boolean roomForPage() {
        if (big || settings.bigTiff() != TiffSettings.BigTiff.NEVER || (pages + groupPages == 0 && inFlight.isEmpty())) {
            return true;
        }
        long page = (encoder == null ? frameBytes : encoder.bound()) + PAGE_ROOM;
        return groupEnd + (inFlight.size() + 1) * page + METADATA_ROOM <= settings.classicLimit();
    }

    /**
     * Adds a frame: {@code frameBytes} bytes of {@code pixels} from {@code offset}, valid until
     * {@link #endOfBatch}, and its row's JSON (NUL-terminated). Written with the batch's other frames
     * at {@link #endOfBatch}, or copied and compressed on the worker pool and written when done (in
     * order).
     *
     * @throws IOException naming the file, the stream and the fix
     */
    void add(ArrowBuf pixels, long offset, byte[] frameJson) throws IOException {
        checkWritable();
        if (encoder == null) {
            appendPage(pixels.nioBuffer(offset, frameBytes), new int[] {frameBytes}, frameBytes, frameJson);
            return;
        }
        byte[] frame = encoder.frameBuffer();
        pixels.getBytes(offset, frame, 0, frameBytes);
        try {
            inFlight.add(new Pending(pool.submit(() -> encoder.encode(frame)), frameJson));
        } catch (RejectedExecutionException stopping) {
            throw new IOException("the TIFF writer's compression workers are shut down (the writer is stopping); "
                    + "stream '" + stream + "' to " + path(), stopping);
        }
        drain(maxInFlight);
    }

    /** The batch whose pixels {@link #add} was given ends: its pages are written and linked in now. */
    void endOfBatch() throws IOException {
        writeGroup();
    }

    /**
     * Writes compressed pages in order: every finished one at the head of the queue, and then more,
     * waiting for each, until at most {@code keep} are in flight.
     */
    private void drain(int keep) throws IOException {
        while (!inFlight.isEmpty() && (inFlight.size() > keep || inFlight.peek().encoded().isDone())) {
            Pending head = inFlight.poll();
            PageEncoder.Encoded page;
            try {
                page = head.encoded().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the TIFF compression workers");
            } catch (ExecutionException e) {
                throw new IOException("compressing a page of stream '" + stream + "' for " + path() + " failed: "
                        + e.getCause(), e.getCause());
            }
            groupEncoded.add(page); // recycled once the group is written
            appendPage(ByteBuffer.wrap(page.bytes(), 0, page.length()), page.strips(), encoder.rowsPerStrip(),
                    head.frameJson());
        }
        writeGroup();
    }

    /**
     * Adds one page (strips, values, directory) to the group, chained to the group's previous page;
     * the group is written when it is large, at the end of the batch, and before anything else is.
     */
    private void appendPage(ByteBuffer data, int[] strips, int rowsPerStrip, byte[] frameJson) throws IOException {
        checkWritable();
        long dataBytes = data.remaining();
        int pad = (int) (dataBytes & 1);
        Ifd.Block block = directory(groupEnd, strips, rowsPerStrip, dataBytes + pad, frameJson);
        long pageEnd = groupEnd + dataBytes + pad + block.bytes().remaining();
        if (!big && pageEnd > settings.classicLimit()) {
            if (settings.bigTiff() == TiffSettings.BigTiff.NEVER) {
                throw new IOException("a page of stream '" + stream + "' does not fit below 4 GiB in " + path()
                        + " (bigtiff = never); this is a bug: the stack should have gone on in a new file");
            }
            writeGroup();
            toBigTiff();
            block = directory(groupEnd, strips, rowsPerStrip, dataBytes + pad, frameJson);
            pageEnd = groupEnd + dataBytes + pad + block.bytes().remaining();
        }
        if (groupLast == null) {
            groupFirstIfd = block.ifd();
        } else {
            ByteBuffer previous = groupLast.bytes();
            if (big) {
                previous.putLong(previous.limit() - 8, block.ifd());
            } else {
                previous.putInt(previous.limit() - 4, (int) block.ifd());
            }
        }
        long index = pages + groupPages;
        if (index == 0) {
            descriptionAt = block.value(Tag.IMAGE_DESCRIPTION);
            metadataEntryAt = block.entry(Tag.DAQLAB_METADATA);
            describedPages = 1;
            firstMetadata = null;
        }
        if (classicIfds != null && !big) {
            if (index == classicIfds.length) {
                classicIfds = Arrays.copyOf(classicIfds, classicIfds.length * 2);
            }
            classicIfds[(int) index] = block.ifd();
        }
        group.add(data);
        if (pad == 1) {
            group.add(PAD.duplicate());
        }
        group.add(block.bytes());
        groupLast = block;
        groupEnd = pageEnd;
        groupPages++;
        if (group.size() >= MAX_GROUP_PIECES || groupEnd - end >= MAX_GROUP_BYTES) {
            writeGroup();
        }
    }

    /**
     * Writes the group's pages in one call after the last page, then links the first of them in. Until
     * that link nothing points at them, and their own links point only among them: the chain from the
     * header reaches whole pages only, whenever the process dies.
     */
    private void writeGroup() throws IOException {
        if (groupPages == 0) {
            return;
        }
        long at = end;
        try {
            ByteBuffer[] pieces = group.toArray(ByteBuffer[]::new);
            for (long written = 0; written < groupEnd - at; ) {
                written += channel.write(pieces);
            }
            link(groupFirstIfd);
        } catch (IOException e) {
            throw fail(e, at);
        }
        end = groupEnd;
        linkField = groupLast.nextField();
        pages += groupPages;
        output.addRows(groupPages);
        clearGroup();
    }

    private void clearGroup() {
        group.clear();
        if (encoder != null) {
            groupEncoded.forEach(encoder::recycle);
        }
        groupEncoded.clear();
        groupPages = 0;
        groupLast = null;
        groupEnd = end;
    }

    /** The directory of the next page, whose strips (of {@code strips} bytes each) start at {@code position}. */
    private Ifd.Block directory(long position, int[] strips, int rowsPerStrip, long stripBytes, byte[] frameJson) {
        long[] offsets = new long[strips.length];
        long[] counts = new long[strips.length];
        long at = position;
        for (int i = 0; i < strips.length; i++) {
            offsets[i] = at;
            counts[i] = strips[i];
            at += strips[i];
        }
        Ifd ifd = new Ifd(big)
                .longs(Tag.NEW_SUBFILE_TYPE, 0)
                .longs(Tag.IMAGE_WIDTH, width)
                .longs(Tag.IMAGE_LENGTH, height)
                .shorts(Tag.BITS_PER_SAMPLE, type.bits())
                .shorts(Tag.COMPRESSION, encoder == null ? Tag.COMPRESSION_NONE : Tag.COMPRESSION_DEFLATE)
                .shorts(Tag.PHOTOMETRIC, 1) // BlackIsZero
                .offsets(Tag.STRIP_OFFSETS, offsets)
                // TopLeft, the default: ImageJ then reads every page from its directory instead of taking the
                // pages for one contiguous block after the first (its reading of images= in the description)
                .shorts(Tag.ORIENTATION, 1)
                .shorts(Tag.SAMPLES_PER_PIXEL, 1)
                .longs(Tag.ROWS_PER_STRIP, rowsPerStrip)
                .offsets(Tag.STRIP_BYTE_COUNTS, counts)
                .shorts(Tag.PLANAR_CONFIGURATION, 1)
                .shorts(Tag.SAMPLE_FORMAT, type.sampleFormat())
                .ascii(Tag.DAQLAB_FRAME, frameJson);
        if (resolution != null) {
            ifd.rational(Tag.X_RESOLUTION, resolution[0], resolution[1])
                    .rational(Tag.Y_RESOLUTION, resolution[0], resolution[1])
                    .shorts(Tag.RESOLUTION_UNIT, 1); // none: the unit is the description's
        }
        if (encoder != null && settings.predictor() && type.integer()) {
            ifd.shorts(Tag.PREDICTOR, 2);
        }
        if (pages + groupPages == 0) {
            ifd.ascii(Tag.IMAGE_DESCRIPTION, description.value(1))
                    .ascii(Tag.SOFTWARE, SOFTWARE)
                    .ascii(Tag.DAQLAB_METADATA, firstMetadata);
        }
        return ifd.encode(position + stripBytes);
    }

    /** Points the last page's next-IFD field (or the header) at {@code ifd}. */
    private void link(long ifd) throws IOException {
        ByteBuffer field = Ifd.le(big ? 8 : 4);
        if (big) {
            field.putLong(ifd);
        } else {
            field.putInt((int) ifd);
        }
        writeFully(channel, field.flip(), linkField);
    }

    /**
     * Turns the classic file into a BigTIFF (see the class comment): BigTIFF directories for every page,
     * chained, forced to disk, then the header.
     */
    private void toBigTiff() throws IOException {
        long at = end;
        try {
            ByteBuffer staging = Ifd.le(STAGING);
            long position = end;
            long firstMetadataEntry = 0;
            long lastNextField = 8;
            for (int i = 0; i < pages; i++) {
                TiffStructure.Directory classic = TiffStructure.directory(channel, classicIfds[i], false, end);
                Ifd ifd = new Ifd(true);
                for (TiffStructure.Entry e : classic.entries()) {
                    if (e.valueBytes() > Ifd.inlineBytes(true)) {
                        ifd.at(e.tag(), e.type(), e.count(), e.offset()); // stays where it is
                    } else {
                        ifd.add(e.tag(), e.type(), e.count(), TiffStructure.value(channel, classic, e));
                    }
                }
                Ifd.Block block = ifd.encode(position); // no values of its own: the directory starts at position
                ByteBuffer bytes = block.bytes();
                int size = bytes.remaining();
                if (i < pages - 1) {
                    bytes.putLong(size - 8, position + size); // the next page's directory follows directly
                }
                if (i == 0) {
                    firstMetadataEntry = block.entry(Tag.DAQLAB_METADATA);
                }
                lastNextField = block.nextField();
                if (staging.remaining() < size) {
                    writeFully(channel, staging.flip());
                    staging.clear();
                }
                staging.put(bytes);
                position += size;
            }
            writeFully(channel, staging.flip());
            channel.force(false); // the BigTIFF chain is on disk before the header points at it
            ByteBuffer header = Ifd.le(16).put((byte) 'I').put((byte) 'I').putShort((short) 43).putShort((short) 8)
                    .putShort((short) 0).putLong(pages == 0 ? 0 : at);
            writeFully(channel, header.flip(), 0);
            big = true;
            end = position;
            groupEnd = position;
            linkField = lastNextField;
            metadataEntryAt = firstMetadataEntry;
            classicIfds = null;
        } catch (IOException e) {
            throw fail(e, at);
        }
        notices.accept("stream '" + stream + "': " + output.finalPath().getFileName() + " reached 4 GiB after " + pages
                + " pages and became a BigTIFF file (tifffile, libtiff and Fiji's Bio-Formats read it; ImageJ 1's "
                + "own opener reads classic TIFF only)");
    }

    /**
     * Writes what is in flight, the page count into the ImageJ description and, if not null,
     * {@code metadata} as the file's new metadata JSON. Nothing after a failed write.
     */
    void flush(byte[] metadata) throws IOException {
        if (failure != null || ended) {
            return;
        }
        drain(0);
        if (metadata != null) {
            updateMetadata(metadata);
        }
        updateDescription();
    }

    private void updateDescription() throws IOException {
        if (pages > describedPages) {
            writeFully(channel, ByteBuffer.wrap(description.value(pages)), descriptionAt);
            describedPages = pages;
        }
    }

    /** Writes {@code json} after the last page and points the first page's metadata entry at it. */
    private void updateMetadata(byte[] json) throws IOException {
        writeGroup();
        if (pages == 0) {
            firstMetadata = json;
            return;
        }
        int pad = json.length & 1;
        if (!big && end + json.length + pad > settings.classicLimit()) {
            if (settings.bigTiff() == TiffSettings.BigTiff.NEVER) {
                notices.accept("stream '" + stream + "': the metadata of " + output.finalPath().getFileName()
                        + " could not be updated: the file is at the 4 GiB limit of classic TIFF (bigtiff = never)");
                return;
            }
            toBigTiff();
        }
        long at = end;
        try {
            writeFully(channel, ByteBuffer.wrap(pad == 0 ? json : Arrays.copyOf(json, json.length + 1)));
            ByteBuffer entry = Ifd.le(big ? 16 : 8);
            if (big) {
                entry.putLong(json.length).putLong(at);
            } else {
                entry.putInt(json.length).putInt((int) at);
            }
            writeFully(channel, entry.flip(), metadataEntryAt + 4); // count and offset, after tag and type
        } catch (IOException e) {
            throw fail(e, at);
        }
        end = at + json.length + pad;
        groupEnd = end;
    }

    /**
     * Ends the file: the pages in flight, {@code metadata} (if not null) and the final page count, forced
     * to disk. The file is then complete; its unfinished mark goes when it is {@link #close closed}, at
     * the end of the segment, so that a crash before the core renames it still leaves it to recovery.
     * After a failed write the file is completed with the pages it has.
     *
     * @throws IOException if it cannot be completed: it keeps its mark and recovery completes it
     */
    void end(byte[] metadata) throws IOException {
        if (ended) {
            return;
        }
        if (failure == null) {
            try {
                drain(0);
                if (metadata != null) {
                    updateMetadata(metadata);
                }
            } catch (IOException e) {
                // reported when the file is completed below with the pages it has
                failure = failure == null ? e : failure;
            }
        }
        if (pages == 0) {
            IOException error = new IOException("the TIFF file " + path() + " of stream '" + stream + "' holds no page: "
                    + "its first frame could not be written; it keeps its temporary name");
            if (failure != null) {
                error.addSuppressed(failure);
            }
            throw error;
        }
        try {
            updateDescription();
            channel.force(false); // complete on disk before its mark can go
        } catch (IOException e) {
            IOException error = new IOException("cannot complete the TIFF file " + path() + " of stream '" + stream
                    + "': " + StorageErrors.reason(e) + "; it keeps its temporary name and is completed at the next start", e);
            if (failure != null) {
                error.addSuppressed(failure);
            }
            throw error;
        }
        ended = true;
    }

    /**
     * Releases the file: if it {@link #end ended}, its unfinished mark is deleted; if not, the mark
     * stays (unlocked) and recovery completes the file at the next start.
     */
    void close() throws IOException {
        for (Pending pending : inFlight) {
            pending.encoded().cancel(false);
        }
        inFlight.clear();
        try (channel) {
            if (ended) {
                lock.delete();
            } else {
                lock.release();
            }
        }
    }

    /**
     * Records a failed write: what the page or update wrote after {@code at} is cut off, so the file
     * keeps every page before it, and the file takes no more pages.
     *
     * @return the exception to throw, with the file, the stream and the fix
     */
    private IOException fail(IOException e, long at) {
        failure = e;
        String kept = "";
        try {
            channel.truncate(at);
            channel.position(at);
            end = at;
            kept = ". The file keeps its " + pages + " complete pages";
        } catch (IOException cut) {
            e.addSuppressed(cut);
        }
        if (groupPages > 0) {
            kept += "; the " + groupPages + " frames being written with them are not";
        }
        clearGroup();
        for (Pending pending : inFlight) {
            pending.encoded().cancel(false);
        }
        if (!inFlight.isEmpty()) {
            kept += "; " + inFlight.size() + " frames being compressed are not written";
            inFlight.clear();
        }
        return new IOException("writing stream '" + stream + "' to the TIFF file " + path() + " failed: " + StorageErrors.reason(e)
                + kept + StorageErrors.fix(path()), e);
    }

    private void checkWritable() throws IOException {
        if (failure != null) {
            throw new IOException("the TIFF file " + path() + " of stream '" + stream + "' takes no more pages after "
                    + StorageErrors.reason(failure), failure);
        }
        if (ended) {
            throw new IllegalStateException(path() + " has ended");
        }
    }

    /** Appends at the channel's position. */
    private static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer bytes, long position) throws IOException {
        while (bytes.hasRemaining()) {
            position += channel.write(bytes, position);
        }
    }
}
