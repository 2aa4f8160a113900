package org.daqlab.writer.arrow.internal;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.AbstractCompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;

/**
 * A body compression codec as the Arrow IPC specification describes it, on Arrow Java's
 * {@link AbstractCompressionCodec}: every compressed buffer starts with its uncompressed length as
 * a little-endian int64, and a buffer that does not get smaller is stored as it is behind a length
 * of -1. Unlike Arrow Java, an empty buffer stays empty (no prefix), as Arrow C++ writes it: Arrow
 * Java's 8-byte prefix of 0 makes readers that hand the empty remainder to their decoder fail
 * (apache-arrow for JavaScript does), and every reader, Arrow Java's included, reads a zero-length
 * buffer as empty.
 *
 * <p>A codec belongs to one file and is used by one thread; {@link #close} frees native state.
 */
abstract class BodyCodec extends AbstractCompressionCodec implements AutoCloseable {

    /** Bytes of the uncompressed-length prefix. */
    static final long PREFIX = CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH;

    @Override
    public ArrowBuf compress(BufferAllocator allocator, ArrowBuf uncompressed) {
        if (uncompressed.writerIndex() == 0) {
            return uncompressed; // handed on like a compressed buffer: the caller releases it
        }
        return super.compress(allocator, uncompressed);
    }

    /** The uncompressed length a compressed buffer's prefix gives. */
    long uncompressedLength(ArrowBuf compressed) {
        return readUncompressedLength(compressed);
    }

    @Override
    public void close() {
        // no native state by default
    }
}
