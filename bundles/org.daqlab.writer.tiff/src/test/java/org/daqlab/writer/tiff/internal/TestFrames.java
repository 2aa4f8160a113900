package org.daqlab.writer.tiff.internal;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.daqlab.api.data.FixedShapeTensorType;
import org.daqlab.api.data.FixedShapeTensorVector;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Camera streams for the tests, with pixels that are a function of the frame number and the pixel
 * index, so that any page read back can be checked: {@link #pixels} gives a frame's bytes as the
 * file must hold them (little-endian), {@link #sha256} their digest as the Python reader reports it.
 * Every frame row has {@code timestamp_ns} ({@link #timestamp}), {@code frame_number} and
 * {@code exposure_s} (a float column, recorded on the page too).
 */
final class TestFrames {

    static final long T0 = 1_769_351_565_000_000_000L;
    static final RunStart RUN = new RunStart("6f1c2a4e-0000-4000-8000-000000000006", T0, "tiff_test",
            Map.of("operator", "ada", "sample", "Si-7", "temperature_k", 4.2));
    static final RunStop STOP = new RunStop(RUN.uid(), T0 + 60_000_000_000L, RunStop.ExitStatus.SUCCESS, "test done",
            Map.of());

    private TestFrames() {
    }

    /** A camera stream of {@code height}×{@code width} frames of {@code pixel} values. */
    static StreamDescriptor camera(String stream, ArrowType pixel, int height, int width, Map<String, Object> instrument) {
        Field frame = new Field("frame", FieldType.notNullable(new FixedShapeTensorType(new long[] {height, width})),
                List.of(new Field("item", FieldType.notNullable(pixel), null)));
        return new StreamDescriptor(stream, "cam-" + stream, StreamSchemas.schema(stream, "cam-" + stream, List.of(
                StreamSchemas.int64("frame_number"), frame, StreamSchemas.float64("exposure_s", "s")), Map.of("model", "sim")),
                instrument);
    }

    static StreamDescriptor uint16(String stream, int height, int width) {
        return camera(stream, new ArrowType.Int(16, false), height, width, Map.of("fps", 100.0, "pixel_size_um", 6.5));
    }

    static long timestamp(long frame) {
        return T0 + frame * 10_000_000L + frame % 7;
    }

    static double exposure(long frame) {
        return 0.005 + (frame % 3) * 0.001;
    }

    /** Bytes per pixel of a frame column. */
    static int bytesPerPixel(StreamDescriptor stream) {
        return PixelType.of(stream.schema().findField("frame")).bytes();
    }

    static long[] shape(StreamDescriptor stream) {
        return ((FixedShapeTensorType) stream.schema().findField("frame").getType()).shape();
    }

    /** Frame {@code n}'s pixel bytes, little-endian: a pattern of n and the byte index, with structure that compresses. */
    static byte[] pixels(StreamDescriptor stream, long n) {
        long[] shape = shape(stream);
        int width = (int) shape[1];
        int bytes = bytesPerPixel(stream);
        byte[] frame = new byte[(int) (shape[0] * shape[1]) * bytes];
        for (int i = 0; i < frame.length; i++) {
            int pixel = i / bytes;
            int x = pixel % width;
            int y = pixel / width;
            // smooth in x and y (so the predictor matters) plus bits that change with the frame and byte
            frame[i] = (byte) ((x + 3 * y) / (1 + i % bytes) + n * 7 + (i % bytes) * 29 + ((x * y + n) % 5));
        }
        return frame;
    }

    static String sha256(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Frames {@code first … first+count-1} of {@code stream} as one batch. */
    static VectorSchemaRoot batch(StreamDescriptor stream, BufferAllocator allocator, long first, int count) {
        VectorSchemaRoot root = VectorSchemaRoot.create(stream.schema(), allocator);
        for (FieldVector vector : root.getFieldVectors()) {
            vector.setInitialCapacity(count);
            vector.allocateNew();
        }
        BigIntVector timestamps = (BigIntVector) root.getVector(StreamSchemas.TIMESTAMP_NS);
        BigIntVector numbers = (BigIntVector) root.getVector("frame_number");
        Float8Vector exposures = (Float8Vector) root.getVector("exposure_s");
        FixedShapeTensorVector tensor = (FixedShapeTensorVector) root.getVector("frame");
        FixedSizeListVector list = tensor.getUnderlyingVector();
        list.setValueCount(count);
        FieldVector values = tensor.pixelVector();
        int frameBytes = pixels(stream, 0).length;
        ArrowBuf data = values.getDataBuffer();
        for (int i = 0; i < count; i++) {
            long n = first + i;
            timestamps.setSafe(i, timestamp(n));
            numbers.setSafe(i, n);
            exposures.setSafe(i, exposure(n));
            list.setNotNull(i);
            data.setBytes((long) i * frameBytes, pixels(stream, n));
        }
        values.getValidityBuffer().setOne(0, (int) values.getValidityBuffer().capacity());
        timestamps.setValueCount(count);
        numbers.setValueCount(count);
        exposures.setValueCount(count);
        root.setRowCount(count);
        return root;
    }

    /** The digests of frames {@code first …}, for comparison with a reader's. */
    static List<String> digests(StreamDescriptor stream, long first, long count) {
        List<String> out = new ArrayList<>();
        for (long n = first; n < first + count; n++) {
            out.add(sha256(pixels(stream, n)));
        }
        return out;
    }
}
