package org.daqlab.writer.arrow.internal;

import com.github.luben.zstd.Zstd;
import net.jpountz.lz4.LZ4FrameInputStream;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The codecs write buffers exactly as the Arrow IPC specification says: an 8-byte little-endian
 * uncompressed length, then one standard ZSTD or LZ4 frame (checked against the formats' magic and
 * header and decoded by the libraries' own decoders, not the codec's); -1 and the raw bytes where
 * compression does not pay; an empty buffer stays empty.
 */
class BodyCodecTest {

    private final BufferAllocator allocator = new RootAllocator();

    @AfterEach
    void close() {
        allocator.close();
    }

    @Test
    void zstdBufferIsTheLengthThenOneZstdFrame() throws Exception {
        byte[] values = compressible(100_000);
        try (ZstdCodec codec = new ZstdCodec(3)) {
            byte[] out = compress(codec, values);
            assertEquals(values.length, prefix(out));
            byte[] frame = Arrays.copyOfRange(out, 8, out.length);
            assertArrayEquals(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD}, Arrays.copyOf(frame, 4), "ZSTD magic");
            assertTrue(frame.length < values.length / 4, "compressed: " + frame.length);
            assertArrayEquals(values, Zstd.decompress(frame, values.length), "zstd-jni's decoder reads the frame");
            assertArrayEquals(values, roundTrip(codec, values));
        }
    }

    @Test
    void lz4BufferIsTheLengthThenOneStandardLz4Frame() throws Exception {
        for (int size : new int[] {1, 1000, 65_536, 65_537, 5_000_000}) {
            byte[] values = compressible(size);
            Lz4FrameCodec codec = new Lz4FrameCodec();
            byte[] out = compress(codec, values);
            if (size == 1) {
                assertEquals(-1, prefix(out), "a byte does not get smaller: stored raw");
                continue;
            }
            assertEquals(values.length, prefix(out));
            byte[] frame = Arrays.copyOfRange(out, 8, out.length);
            // LZ4 frame format: magic 0x184D2204 little endian, FLG version 01, content size present
            assertArrayEquals(new byte[] {0x04, 0x22, 0x4D, 0x18}, Arrays.copyOf(frame, 4), "LZ4 frame magic");
            assertEquals(0b01, (frame[4] & 0xC0) >> 6, "frame version");
            assertTrue((frame[4] & 0x08) != 0, "content size flag");
            assertEquals(values.length, ByteBuffer.wrap(frame, 6, 8).order(ByteOrder.LITTLE_ENDIAN).getLong(), "content size");
            try (LZ4FrameInputStream in = new LZ4FrameInputStream(new ByteArrayInputStream(frame))) {
                assertArrayEquals(values, in.readAllBytes(), "lz4-java's frame decoder reads it, size " + size);
            }
            assertArrayEquals(values, roundTrip(codec, values));
        }
    }

    @Test
    void incompressibleBufferIsStoredRawBehindMinusOne() throws Exception {
        byte[] values = new byte[10_000];
        new SplittableRandom(7).nextBytes(values);
        for (BodyCodec codec : new BodyCodec[] {new ZstdCodec(1), new Lz4FrameCodec()}) {
            byte[] out = compress(codec, values);
            assertEquals(-1, prefix(out), codec.getCodecType() + ": -1 marks raw bytes");
            assertArrayEquals(values, Arrays.copyOfRange(out, 8, out.length));
            assertArrayEquals(values, roundTrip(codec, values));
            codec.close();
        }
    }

    @Test
    void emptyBufferStaysEmpty() throws Exception {
        for (BodyCodec codec : new BodyCodec[] {new ZstdCodec(1), new Lz4FrameCodec()}) {
            assertEquals(0, compress(codec, new byte[0]).length, codec.getCodecType() + ": no prefix, as Arrow C++ writes it");
            codec.close();
        }
    }

    /** Sensor-like values: a slow ramp of little-endian int64 with a little noise. */
    private static byte[] compressible(int size) {
        ByteBuffer buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        SplittableRandom random = new SplittableRandom(3);
        for (long i = 0; buffer.remaining() >= 8; i++) {
            buffer.putLong(1_000_000 + i * 10 + random.nextInt(4));
        }
        return buffer.array();
    }

    private byte[] compress(BodyCodec codec, byte[] values) {
        ArrowBuf in = allocator.buffer(Math.max(1, values.length));
        in.setBytes(0, values);
        in.writerIndex(values.length);
        try (ArrowBuf out = codec.compress(allocator, in)) {
            byte[] bytes = new byte[(int) out.writerIndex()];
            out.getBytes(0, bytes);
            return bytes;
        }
    }

    private byte[] roundTrip(BodyCodec codec, byte[] values) {
        byte[] compressed = compress(codec, values);
        ArrowBuf in = allocator.buffer(compressed.length);
        in.setBytes(0, compressed);
        in.writerIndex(compressed.length);
        try (ArrowBuf out = codec.decompress(allocator, in)) {
            byte[] bytes = new byte[(int) out.writerIndex()];
            out.getBytes(0, bytes);
            return bytes;
        }
    }

    private static long prefix(byte[] out) {
        return ByteBuffer.wrap(out, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
