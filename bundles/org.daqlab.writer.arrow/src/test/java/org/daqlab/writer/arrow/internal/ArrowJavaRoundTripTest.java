package org.daqlab.writer.arrow.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compare.VectorEqualsVisitor;
import org.apache.arrow.flatbuf.CompressionType;
import org.daqlab.api.data.FixedShapeTensorType;
import org.daqlab.api.data.FixedShapeTensorVector;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;
import org.daqlab.api.storage.TestStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads the writer's files back with Arrow Java's own readers: every batch equals the batch
 * published, column by column (types, nulls, values, field metadata); frames come back as the
 * {@code arrow.fixed_shape_tensor} type with their shape; the messages carry the configured codec.
 */
class ArrowJavaRoundTripTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} format, {1}")
    @CsvSource({"stream, none, -1", "stream, zstd, " + CompressionType.ZSTD, "stream, lz4_frame, " + CompressionType.LZ4_FRAME,
            "file, none, -1", "file, zstd, " + CompressionType.ZSTD, "file, lz4_frame, " + CompressionType.LZ4_FRAME})
    void arrowJavaReadsBackEveryBatchAsPublished(String format, String compression, int codec) throws Exception {
        IpcFormat ipc = IpcFormat.fromOption(format);
        ArrowStorageWriter writer = TestConfigs.writer(Map.of("format", format, "compression", compression));
        try (BufferAllocator allocator = new RootAllocator()) {
            TestRunContext context = new TestRunContext(dir, ArrowWriterInteropTest.RUN, 1, allocator);
            RunWriter run = writer.open(context);
            List<StreamDescriptor> streams = List.of(TestStreams.POWER, TestStreams.ADC, TestStreams.CAMERA);
            int[][] sizes = {{5, 1, 250}, {2000, 17}, {2, 1}};
            for (StreamDescriptor stream : streams) {
                run.describe(stream);
            }
            for (int s = 0; s < streams.size(); s++) {
                long first = 0;
                for (int rows : sizes[s]) {
                    try (VectorSchemaRoot batch = TestStreams.batch(streams.get(s), allocator, first, rows)) {
                        run.write(streams.get(s).stream(), batch);
                    }
                    first += rows;
                }
            }
            run.close(ArrowWriterInteropTest.STOP);
            writer.deactivate();

            for (int s = 0; s < streams.size(); s++) {
                StreamDescriptor stream = streams.get(s);
                Path file = context.path(stream.stream(), ipc.extension());
                long[] firstRows = new long[sizes[s].length];
                for (int b = 1; b < firstRows.length; b++) {
                    firstRows[b] = firstRows[b - 1] + sizes[s][b - 1];
                }
                int[] streamSizes = sizes[s];
                ArrowJava.Read read = ArrowJava.read(file, ipc, allocator, (b, actual) -> {
                    try (VectorSchemaRoot expected = TestStreams.batch(stream, allocator, firstRows[b], streamSizes[b])) {
                        assertEquals(expected.getRowCount(), actual.getRowCount());
                        for (int c = 0; c < expected.getFieldVectors().size(); c++) {
                            FieldVector e = expected.getVector(c);
                            FieldVector a = actual.getVector(c);
                            assertTrue(VectorEqualsVisitor.vectorEquals(e, a),
                                    stream.stream() + " batch " + b + " column " + e.getName() + " differs");
                        }
                    }
                });
                assertEquals(stream.schema().getFields(), read.schema().getFields(), stream.stream() + ": fields with types and metadata");
                assertEquals(stream.schema().getCustomMetadata().get(StreamSchemas.INSTRUMENT_ID),
                        read.schema().getCustomMetadata().get(StreamSchemas.INSTRUMENT_ID));
                assertEquals(sizes[s].length, read.batches(), stream.stream() + ": batches");
                if (ipc == IpcFormat.FILE) {
                    assertTrue(read.footerMetadata().containsKey(SegmentMetadata.RUN), "footer: " + read.footerMetadata());
                } else {
                    assertNull(read.footerMetadata());
                }
                if (ipc == IpcFormat.STREAM) {
                    assertEquals(Collections.nCopies(sizes[s].length, codec), ArrowJava.batchCodecs(file, allocator),
                            stream.stream() + ": the codec of every record batch message");
                }
            }
            ArrowJava.Read camera = ArrowJava.read(context.path("camera0", ipc.extension()), ipc, allocator, (b, batch) -> {
                assertInstanceOf(FixedShapeTensorVector.class, batch.getVector("frame"), "frames are read as tensors");
            });
            FixedShapeTensorType type = assertInstanceOf(FixedShapeTensorType.class, camera.schema().findField("frame").getType());
            assertEquals(List.of((long) TestStreams.HEIGHT, (long) TestStreams.WIDTH),
                    java.util.Arrays.stream(type.shape()).boxed().toList());
        }
    }

    @Test
    void validityBitmapsOfColumnsWithoutNullsAreLeftOut() throws Exception {
        ArrowStorageWriter writer = TestConfigs.writer(Map.of());
        try (BufferAllocator allocator = new RootAllocator()) {
            TestRunContext context = new TestRunContext(dir, ArrowWriterInteropTest.RUN, 1, allocator);
            RunWriter run = writer.open(context);
            run.describe(TestStreams.CAMERA);
            run.describe(TestStreams.POWER);
            try (VectorSchemaRoot frames = TestStreams.batch(TestStreams.CAMERA, allocator, 0, 3);
                 VectorSchemaRoot power = TestStreams.batch(TestStreams.POWER, allocator, 0, 20)) {
                run.write("camera0", frames);
                run.write("power_meter_01", power);
            }
            run.close(null);
            writer.deactivate();

            // camera: timestamp_ns (validity, data), frame_number (validity, data), frame (validity), pixels (validity, data)
            List<Long> camera = ArrowJava.bufferLengths(context.path("camera0", "arrows"), allocator).get(0);
            long pixelBytes = 3L * TestStreams.HEIGHT * TestStreams.WIDTH * 2;
            assertEquals(List.of(0L, 24L, 0L, 24L, 0L, 0L, pixelBytes), camera, "no bitmaps, every value");
            // power: rows 3 and 17 have a null power, rows 2 and 7 a null i32, row 4 and 13 a null f32: those keep their bitmaps
            List<Long> power = ArrowJava.bufferLengths(context.path("power_meter_01", "arrows"), allocator).get(0);
            assertEquals(3L, power.get(2), "power's bitmap: 20 rows in 3 bytes");
            assertEquals(0L, power.get(0), "timestamp_ns has no nulls");
        }
    }
}
