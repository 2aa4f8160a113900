package org.daqlab.arrow.ipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;

import java.util.List;

/** {@link BatchMessage} writes the very bytes Arrow's own serializer writes, which Arrow reads back. */
class BatchMessageTest {

    private final BufferAllocator allocator = new RootAllocator();

    @AfterEach
    void closeAllocator() {
        allocator.close();
    }

    @Test
    void scalarColumnsWithNullsAndStrings() throws IOException {
        Schema schema = new Schema(List.of(
                Field.nullable("timestamp_ns", new ArrowType.Int(64, true)),
                Field.nullable("power", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                Field.nullable("note", ArrowType.Utf8.INSTANCE)));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            BigIntVector ts = (BigIntVector) root.getVector(0);
            Float8Vector power = (Float8Vector) root.getVector(1);
            VarCharVector note = (VarCharVector) root.getVector(2);
            for (int i = 0; i < 37; i++) {
                ts.setSafe(i, 1_000L * i);
                if (i % 5 != 0) {
                    power.setSafe(i, i / 3.0);
                }
                note.setSafe(i, ("row " + i).repeat(i % 3).getBytes(StandardCharsets.UTF_8));
            }
            root.setRowCount(37);
            assertSameBytesAsArrowAndReadsBack(root);
        }
    }

    @Test
    void aFrameAsAFixedSizeListOfUInt16() throws IOException {
        int pixels = 640 * 480;
        Field pixel = Field.notNullable("pixel", new ArrowType.Int(16, false));
        Field frame = new Field("frame", FieldType.notNullable(new ArrowType.FixedSizeList(pixels)), List.of(pixel));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(List.of(frame)), allocator)) {
            FixedSizeListVector frames = (FixedSizeListVector) root.getVector(0);
            frames.allocateNew();
            UInt2Vector values = (UInt2Vector) frames.getDataVector();
            values.allocateNew(pixels);
            for (int i = 0; i < pixels; i++) {
                values.set(i, (char) (i * 31));
            }
            values.setValueCount(pixels);
            frames.setNotNull(0);
            root.setRowCount(1);
            assertSameBytesAsArrowAndReadsBack(root);
        }
    }

    @Test
    void aTargetWithTooLittleRoomIsRefused() {
        Schema schema = new Schema(List.of(Field.nullable("x", new ArrowType.Int(64, true))));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            ((BigIntVector) root.getVector(0)).setSafe(0, 7);
            root.setRowCount(1);
            try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
                BatchMessage message = BatchMessage.of(batch);
                ByteBuffer small = ByteBuffer.allocate((int) message.size() - 1);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> message.writeTo(small));
                assertEquals("an Arrow message of " + message.size() + " bytes does not fit in the "
                        + (message.size() - 1) + " bytes left", e.getMessage());
            }
        }
    }

    private void assertSameBytesAsArrowAndReadsBack(VectorSchemaRoot root) throws IOException {
        try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            MessageSerializer.serialize(new WriteChannel(Channels.newChannel(expected)), batch);

            BatchMessage message = BatchMessage.of(batch);
            // A target full of stale bytes, as a ring record is: the padding must be zeroed.
            ByteBuffer target = ByteBuffer.allocateDirect((int) message.size() + 16);
            while (target.hasRemaining()) {
                target.put((byte) 0x5A);
            }
            target.position(8);
            message.writeTo(target);

            assertEquals(8 + message.size(), target.position());
            byte[] written = new byte[(int) message.size()];
            target.get(8, written);
            assertEquals(expected.size(), message.size());
            assertArrayEquals(expected.toByteArray(), written);

            try (ArrowRecordBatch read = MessageSerializer.deserializeRecordBatch(
                    new ReadChannel(new ByteArrayReadableSeekableByteChannel(written)), allocator);
                    VectorSchemaRoot copy = VectorSchemaRoot.create(root.getSchema(), allocator)) {
                new org.apache.arrow.vector.VectorLoader(copy).load(read);
                assertEquals(root.contentToTSVString(), copy.contentToTSVString());
            }
        }
    }
}
