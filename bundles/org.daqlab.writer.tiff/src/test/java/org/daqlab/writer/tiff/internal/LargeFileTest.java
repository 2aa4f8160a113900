package org.daqlab.writer.tiff.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.daqlab.api.data.FixedShapeTensorVector;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real file over 4 GiB: 530 frames of 2048×2048 uint16 (8 MiB each, 4.4 GB) written as the core
 * drives the writer, with {@code bigtiff=auto}. The file starts as classic TIFF and becomes a BigTIFF
 * before its first byte past 4 GiB; tifffile then reads all 530 pages, each equal to the frame
 * published (pixels, frame number, timestamp), with the ImageJ count and series shape right. Heavy:
 * about 9 GB of disk traffic and a minute or two; {@code -Ddaqlab.tiff.skipLarge=true} leaves it out,
 * and it is skipped when the temporary directory has less than 10 GB free.
 */
class LargeFileTest {

    private static final int SIDE = 2048;
    private static final int FRAMES = 530;
    private static final int FRAME_BYTES = SIDE * SIDE * 2;
    private static final StreamDescriptor CAMERA = TestFrames.uint16("camera0", SIDE, SIDE);

    @TempDir
    Path dir;
    private final BufferAllocator allocator = new RootAllocator();

    @AfterEach
    void close() {
        allocator.close();
    }

    @Test
    void aStackOver4GiBBecomesABigTiffAndEveryPageReadsBack() throws Exception {
        assumeFalse(Boolean.getBoolean("daqlab.tiff.skipLarge"), "skipped with -Ddaqlab.tiff.skipLarge=true");
        long needed = (long) FRAMES * FRAME_BYTES;
        assumeTrue(Files.getFileStore(dir).getUsableSpace() > 2 * needed + (1L << 30),
                "less than 10 GB free in " + dir + " for a " + needed + "-byte file");
        assertTrue(needed > 1L << 32, "premise: the file passes 4 GiB");
        byte[] base = new byte[FRAME_BYTES];
        new SplittableRandom(6).nextBytes(base);

        TiffStorageWriter writer = TestConfigs.writer(Map.of());
        TestRunContext context = new TestRunContext(dir, TestFrames.RUN, 1, allocator, "tiff");
        RunWriter run = writer.open(context);
        run.describe(CAMERA);
        try (VectorSchemaRoot batch = VectorSchemaRoot.create(CAMERA.schema(), allocator)) {
            for (FieldVector vector : batch.getFieldVectors()) {
                vector.setInitialCapacity(1);
                vector.allocateNew();
            }
            for (int n = 0; n < FRAMES; n++) {
                fill(batch, n, frame(base, n));
                run.write("camera0", batch);
                if (n % 50 == 49) {
                    run.flush();
                }
            }
        }
        run.close(TestFrames.STOP);
        writer.deactivate();
        Path file = context.path("camera0", "tif");
        assertTrue(Files.size(file) > 1L << 32);
        assertTrue(context.notices.stream().anyMatch(n -> n.contains("became a BigTIFF")), context.notices.toString());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            assertTrue(TiffStructure.header(channel).big());
        }

        JsonNode read = Tifffile.ok(Tifffile.readAll(List.of(file), false).get(0));
        assertTrue(read.get("bigtiff").asBoolean());
        assertEquals(FRAMES, read.get("pages").asInt());
        for (int n = 0; n < FRAMES; n++) {
            JsonNode page = read.get("page").get(n);
            assertEquals(TestFrames.sha256(frame(base, n)), page.get("sha256").asText(), "page " + n);
            assertEquals(n, page.get("frame").get("frame_number").asInt());
            assertEquals(TestFrames.timestamp(n), page.get("frame").get("timestamp_ns").asLong());
        }
        assertEquals(FRAMES, read.get("imagej").get("images").asInt());
        assertEquals(List.of(FRAMES, SIDE, SIDE), List.of(read.get("series").get("shape").get(0).asInt(),
                read.get("series").get("shape").get(1).asInt(), read.get("series").get("shape").get(2).asInt()));
        assertEquals("SUCCESS", read.get("metadata").get("run_stop").get("exit_status").asText());
    }

    /** Frame {@code n}: random pixels with {@code n} in its first and last 8 bytes. */
    private static byte[] frame(byte[] base, int n) {
        byte[] frame = base.clone();
        ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n).putLong(FRAME_BYTES - 8, n);
        return frame;
    }

    private static void fill(VectorSchemaRoot batch, int n, byte[] pixels) {
        ((BigIntVector) batch.getVector(StreamSchemas.TIMESTAMP_NS)).setSafe(0, TestFrames.timestamp(n));
        ((BigIntVector) batch.getVector("frame_number")).setSafe(0, n);
        ((Float8Vector) batch.getVector("exposure_s")).setSafe(0, TestFrames.exposure(n));
        FixedShapeTensorVector tensor = (FixedShapeTensorVector) batch.getVector("frame");
        FixedSizeListVector list = tensor.getUnderlyingVector();
        list.setNotNull(0);
        list.setValueCount(1);
        tensor.pixelVector().getDataBuffer().setBytes(0, pixels);
        for (FieldVector vector : batch.getFieldVectors()) {
            if (!(vector instanceof FixedShapeTensorVector)) {
                vector.setValueCount(1);
            }
        }
        batch.setRowCount(1);
    }
}
