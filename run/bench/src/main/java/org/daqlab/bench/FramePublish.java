package org.daqlab.bench;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.ring.OverflowMode;
import org.daqlab.api.ring.RecordType;
import org.daqlab.api.ring.RingClaim;
import org.daqlab.arrow.ipc.BatchMessage;
import org.daqlab.ringbuffer.internal.MappedRing;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 2: publishing one 640×480 uint16 camera frame (614,400 bytes) held in an Arrow
 * {@code VectorSchemaRoot} (a {@code timestamp_ns} BigInt column and a {@code FixedSizeListVector}
 * of {@code UInt2Vector}, one row) to daqlab's ring as an Arrow IPC record batch, in time per
 * frame, against the baseline: copying the same 614,400 bytes from the frame's direct buffer into a
 * memory-mapped region of the same size, in the same directory.
 * <ul>
 * <li>{@code claimWriteCommit}: daqlab's publishing path: unload the batch, size its IPC message
 * ({@code BatchMessage}), {@code claim} that many bytes, write the message straight into the
 * claimed buffer, {@code commit};</li>
 * <li>{@code copyBaseline}: {@code ByteBuffer.put} of the pixel buffer into the mapped region, at an
 * offset that walks through the region as the ring's write position does;</li>
 * <li>{@code serializeThenPublish}: the path daqlab's core took before claims: serialise the batch
 * with Arrow's {@code MessageSerializer} into a reused heap byte array, then {@code publish} it;</li>
 * <li>{@code unloadOnly} (diagnostic): only Arrow's part of the claim path, unloading the root into an
 * {@code ArrowRecordBatch} and sizing its message, to tell Arrow's cost from the ring's.</li>
 * </ul>
 * The ring is in DISCARD_OLDEST mode with no reader: this measures what the producer pays.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {Jvm.OPEN_NIO, Jvm.NETTY_REFLECTION, Jvm.AGRONA_UNSAFE, Jvm.HEAP_MIN, Jvm.HEAP_MAX})
public class FramePublish {

    static final int WIDTH = 640;
    static final int HEIGHT = 480;
    static final int PIXELS = WIDTH * HEIGHT;
    static final int FRAME_BYTES = PIXELS * Short.BYTES;

    /** Ring capacity, and size of the baseline's mapped region: 64 MiB, about 100 frames. */
    @Param("67108864")
    public int capacityBytes;

    private BufferAllocator allocator;
    private VectorSchemaRoot root;
    private VectorUnloader unloader;
    private ByteBuffer pixels;

    private MappedRing ring;
    private long sequence;

    private MappedByteBuffer region;
    private int regionOffset;

    private final ExposedBytes heap = new ExposedBytes();

    /** A reusable heap buffer whose bytes are handed to the ring without another copy. */
    static final class ExposedBytes extends ByteArrayOutputStream {
        ExposedBytes() {
            super(FRAME_BYTES + 4096);
        }

        ByteBuffer view() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        allocator = new RootAllocator();
        root = VectorSchemaRoot.create(frameSchema(), allocator);
        BigIntVector timestamps = (BigIntVector) root.getVector("timestamp_ns");
        FixedSizeListVector frames = (FixedSizeListVector) root.getVector("frame");
        timestamps.allocateNew(1);
        frames.setInitialCapacity(1);
        frames.allocateNew();
        timestamps.set(0, System.currentTimeMillis() * 1_000_000L);
        frames.setNotNull(0);
        UInt2Vector values = (UInt2Vector) frames.getDataVector();
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                values.set(y * WIDTH + x, (char) ((x * 7 + y * 13) & 0xFFF)); // a 12-bit test pattern
            }
        }
        root.setRowCount(1);
        unloader = new VectorUnloader(root);
        pixels = values.getDataBuffer().nioBuffer(0, FRAME_BYTES);
        if (!pixels.isDirect()) {
            throw new IllegalStateException("Arrow's pixel buffer is not direct");
        }

        ring = BenchFiles.newRing("frame-ring", capacityBytes, OverflowMode.DISCARD_OLDEST, Duration.ZERO);
        region = BenchFiles.mapNew("frame-copy", capacityBytes);
    }

    static Schema frameSchema() {
        Field timestamp = new Field("timestamp_ns", FieldType.notNullable(new ArrowType.Int(64, true)), null);
        Field pixel = new Field("pixel", FieldType.notNullable(new ArrowType.Int(16, false)), null);
        Field frame = new Field("frame", FieldType.notNullable(new ArrowType.FixedSizeList(PIXELS)), List.of(pixel));
        return new Schema(List.of(timestamp, frame));
    }

    @Benchmark
    public void copyBaseline() {
        if (regionOffset + FRAME_BYTES > capacityBytes) {
            regionOffset = 0;
        }
        region.put(regionOffset, pixels, 0, FRAME_BYTES);
        regionOffset += FRAME_BYTES;
    }

    @Benchmark
    public long claimWriteCommit() {
        long seq = sequence++;
        try (ArrowRecordBatch batch = unloader.getRecordBatch()) {
            BatchMessage message = BatchMessage.of(batch);
            try (RingClaim claim = ring.claim(RecordType.BATCH, 1, seq, seq, (int) message.size())) {
                message.writeTo(claim.buffer());
                claim.commit();
                return claim.index();
            }
        }
    }

    @Benchmark
    public long unloadOnly() {
        try (ArrowRecordBatch batch = unloader.getRecordBatch()) {
            return BatchMessage.of(batch).size();
        }
    }

    @Benchmark
    public long serializeThenPublish() {
        heap.reset();
        try (ArrowRecordBatch batch = unloader.getRecordBatch()) {
            MessageSerializer.serialize(new WriteChannel(Channels.newChannel(heap)), batch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long seq = sequence++;
        return ring.publish(RecordType.BATCH, 1, seq, seq, heap.view());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ring.close();
        root.close();
        allocator.close();
    }
}
