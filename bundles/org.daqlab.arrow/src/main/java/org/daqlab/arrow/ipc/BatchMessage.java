package org.daqlab.arrow.ipc;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.ipc.message.ArrowBuffer;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A record batch as one Arrow IPC encapsulated message (continuation token, metadata length,
 * flatbuffer {@code Message}, body), sized before it is written so that the caller can claim exactly
 * that much room (in the ring) and have the body's buffers copied there once, straight from the
 * vectors' memory. The bytes are those {@link MessageSerializer#serialize} would write at an 8-byte
 * aligned position, padding included (zeroed).
 * <p>
 * Holds the batch it was made from: write it before the batch is closed.
 */
public final class BatchMessage {

    private static final int CONTINUATION = -1;
    private static final int PREFIX = 8;
    private static final int ALIGNMENT = 8;

    private final ArrowRecordBatch batch;
    private final ByteBuffer metadata;
    private final int paddedMetadataLength;
    private final long size;

    private BatchMessage(ArrowRecordBatch batch) {
        if (batch.getBodyCompression().getCodec() != org.apache.arrow.vector.compression.NoCompressionCodec.COMPRESSION_TYPE) {
            throw new IllegalArgumentException("compressed record batches are not supported here; the ring"
                    + " carries uncompressed batches and writers compress");
        }
        this.batch = batch;
        this.metadata = MessageSerializer.serializeMetadata(batch, IpcOption.DEFAULT);
        this.paddedMetadataLength = (int) align(metadata.remaining());
        this.size = PREFIX + paddedMetadataLength + batch.computeBodyLength();
    }

    /** The message of a batch; serialises its (small) metadata now. */
    public static BatchMessage of(ArrowRecordBatch batch) {
        return new BatchMessage(batch);
    }

    /** Bytes of the whole message. */
    public long size() {
        return size;
    }

    /**
     * Writes the message at {@code target}'s position and advances it by {@link #size()}. The body's
     * buffers are copied once, from the vectors' memory into {@code target}.
     *
     * @throws IllegalArgumentException if {@code target} has fewer than {@link #size()} bytes left
     */
    public void writeTo(ByteBuffer target) {
        if (target.remaining() < size) {
            throw new IllegalArgumentException("an Arrow message of " + size + " bytes does not fit in the "
                    + target.remaining() + " bytes left");
        }
        ByteBuffer out = target.slice().order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(0, CONTINUATION);
        out.putInt(4, paddedMetadataLength);
        out.put(PREFIX, metadata, metadata.position(), metadata.remaining());
        int bodyStart = PREFIX + paddedMetadataLength;
        zero(out, PREFIX + metadata.remaining(), bodyStart);
        List<ArrowBuf> buffers = batch.getBuffers();
        List<ArrowBuffer> layout = batch.getBuffersLayout();
        int written = bodyStart;
        for (int i = 0; i < buffers.size(); i++) {
            ArrowBuf buffer = buffers.get(i);
            int at = bodyStart + (int) layout.get(i).getOffset();
            int length = (int) layout.get(i).getSize();
            zero(out, written, at);
            if (length > 0) {
                out.put(at, buffer.nioBuffer(0, length), 0, length);
            }
            written = at + length;
        }
        zero(out, written, (int) size);
        target.position(target.position() + (int) size);
    }

    private static void zero(ByteBuffer out, int from, int to) {
        for (int i = from; i < to; i++) {
            out.put(i, (byte) 0);
        }
    }

    private static long align(long length) {
        return (length + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
