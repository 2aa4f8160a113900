package org.daqlab.writer.hdf5.internal;

import org.daqlab.api.storage.TestRunContext;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.util.Float16;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampNanoTZVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.FixedShapeTensorVector;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.writer.hdf5.Hdf5BatchReader;
import org.daqlab.writer.hdf5.Hdf5RunFile;
import org.daqlab.writer.hdf5.Hdf5Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes streams of every supported type with the real HDF5 writer and reads the file back through
 * the read-back API ({@link Hdf5RunFile}): the published schemas, the metadata and every value.
 */
class Hdf5ReadBackRoundTripTest {

    @TempDir
    Path dir;
    private BufferAllocator allocator;

    @BeforeEach
    void allocate() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void release() {
        allocator.close(); // fails the test if the writer or a reader leaked a buffer
    }

    @Test
    void whatTheWriterWritesReadsBackAsPublished() throws Exception {
        Path file = writeRun();

        try (Hdf5RunFile h5 = Hdf5RunFile.open(file)) {
            Map<String, Object> run = h5.attributes();
            assertEquals("daqlab test", run.get("application"));
            assertEquals(Hdf5RunWriterTest.RUN.uid(), run.get("run_uid"));
            assertEquals("wavelength_scan", run.get("run_name"));
            assertEquals(1L, run.get("segment"));
            assertEquals("reserved-name", run.get("metadata.segment"));
            assertEquals("ada", run.get("operator"));
            assertEquals(4.2, run.get("temperature_k"));
            assertTrue(run.get("created_timestamp_ns") instanceof Long, run.toString());

            assertEquals(List.of("adc0", "camera0", "power_meter_01"), h5.streams().stream().map(Hdf5Stream::group).toList());
            assertEquals(List.of(6500L, 7L, 2200L), h5.streams().stream().map(Hdf5Stream::rowCount).toList());
            assertEquals(TestBatches.POWER.schema(), h5.stream("power_meter_01").schema());
            assertEquals(TestBatches.ADC.schema(), h5.stream("adc0").schema());
            assertEquals(TestBatches.CAMERA.schema(), h5.stream("camera0").schema());
            assertEquals("pm-01", h5.stream("power_meter_01").attributes().get("instrument_id"));
            assertEquals(1550L, h5.stream("power_meter_01").attributes().get("wavelength_nm"));
            assertEquals(1L, h5.stream("camera0").attributes().get("cooled"), "a Boolean is stored as uint8");
            assertEquals(List.of("spectrum"), h5.stream("power_meter_01").droppedColumns().stream()
                    .map(d -> d.field().getName()).toList());

            assertEquals(List.of(1000, 1000, 200), readPower(h5));
            assertEquals(List.of(4096, 2404), readAdc(h5));
            assertEquals(List.of(3, 3, 1), readCamera(h5));
        }
    }

    /** The run of {@link Hdf5RunWriterTest}'s round trip through h5py, here through the read-back API. */
    private Path writeRun() throws Exception {
        Hdf5StorageWriter writer = TestConfigs.hdf5StorageWriter(Map.of("chunk__rows", 1000, "frames__per__chunk", 2));
        TestRunContext context = new TestRunContext(dir, Hdf5RunWriterTest.RUN, 1, allocator);
        try {
            RunWriter run = writer.open(context);
            run.describe(TestBatches.POWER);
            run.describe(TestBatches.ADC);
            run.describe(TestBatches.CAMERA);
            write(run, "power_meter_01", TestBatches.power(allocator, 0, 1500));
            write(run, "adc0", TestBatches.adc(allocator, 0, 2500));
            write(run, "camera0", TestBatches.camera(allocator, 0, 3));
            run.flush();
            run.metadata(new MetadataUpdate(null, "temperature_k", 4.2, Hdf5RunWriterTest.T0));
            run.metadata(new MetadataUpdate("pm-01", "wavelength_nm", 1550L, Hdf5RunWriterTest.T0));
            run.metadata(new MetadataUpdate("cam0", "cooled", true, Hdf5RunWriterTest.T0));
            write(run, "power_meter_01", TestBatches.power(allocator, 1500, 700));
            write(run, "adc0", TestBatches.adc(allocator, 2500, 4000));
            write(run, "camera0", TestBatches.camera(allocator, 3, 4));
            run.close(Hdf5RunWriterTest.STOP);
        } finally {
            writer.deactivate();
        }
        return context.file(null, "h5").path();
    }

    private static void write(RunWriter run, String stream, VectorSchemaRoot batch) throws Exception {
        try (batch) {
            run.write(stream, batch);
        }
    }

    /** Checks every row of power_meter_01; returns the batch sizes. */
    private List<Integer> readPower(Hdf5RunFile h5) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        try (Hdf5BatchReader reader = h5.read("power_meter_01", allocator, 1000)) {
            List<Field> stored = new ArrayList<>(TestBatches.POWER.schema().getFields());
            stored.removeIf(f -> f.getName().equals("spectrum"));
            assertEquals(new Schema(stored, TestBatches.POWER.schema().getCustomMetadata()), reader.schema());
            long row = 0;
            while (reader.loadNextBatch()) {
                VectorSchemaRoot batch = reader.root();
                sizes.add(batch.getRowCount());
                for (int i = 0; i < batch.getRowCount(); i++, row++) {
                    String at = "power_meter_01 row " + row;
                    assertEquals(TestBatches.timestamp(row), ((BigIntVector) batch.getVector("timestamp_ns")).get(i), at);
                    // a null is stored as NaN and reads back as that value (FORMAT.md)
                    assertEquals(TestBatches.power(row), ((Float8Vector) batch.getVector("power")).get(i), at);
                    assertEquals(TestBatches.note(row), ((VarCharVector) batch.getVector("note")).getObject(i).toString(), at);
                    assertEquals(row % 2 == 0 ? 1 : 0, ((BitVector) batch.getVector("ok")).get(i), at);
                    assertEquals(Long.MAX_VALUE - row, ((UInt8Vector) batch.getVector("count")).get(i), at);
                    assertEquals(Float16.toFloat16(row * 0.5f), ((Float2Vector) batch.getVector("half")).get(i), at);
                    assertEquals((byte) (row % 256 - 128), ((TinyIntVector) batch.getVector("small")).get(i), at);
                    assertEquals(TestBatches.timestamp(row) + 1, ((TimeStampNanoTZVector) batch.getVector("at")).get(i), at);
                }
            }
            assertEquals(2200, row);
        }
        return sizes;
    }

    /** Checks every row of adc0; returns the batch sizes. */
    private List<Integer> readAdc(Hdf5RunFile h5) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        try (Hdf5BatchReader reader = h5.read("adc0", allocator, 4096)) {
            long row = 0;
            while (reader.loadNextBatch()) {
                VectorSchemaRoot batch = reader.root();
                sizes.add(batch.getRowCount());
                for (int i = 0; i < batch.getRowCount(); i++, row++) {
                    assertEquals(TestBatches.timestamp(row), ((BigIntVector) batch.getVector("timestamp_ns")).get(i));
                    for (int channel = 0; channel < 3; channel++) {
                        assertEquals(TestBatches.adc(channel, row), ((Float8Vector) batch.getVector("ch" + channel)).get(i),
                                "adc0 ch" + channel + " row " + row);
                    }
                }
            }
            assertEquals(6500, row);
        }
        return sizes;
    }

    /** Checks every pixel of every frame of camera0; returns the batch sizes. */
    private List<Integer> readCamera(Hdf5RunFile h5) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        int pixelsPerFrame = TestBatches.HEIGHT * TestBatches.WIDTH;
        try (Hdf5BatchReader reader = h5.read("camera0", allocator, 3)) {
            long frame = 0;
            while (reader.loadNextBatch()) {
                VectorSchemaRoot batch = reader.root();
                sizes.add(batch.getRowCount());
                FixedShapeTensorVector frames = (FixedShapeTensorVector) batch.getVector("frame");
                UInt2Vector pixels = (UInt2Vector) frames.pixelVector();
                for (int i = 0; i < batch.getRowCount(); i++, frame++) {
                    assertEquals(frame, ((BigIntVector) batch.getVector("frame_number")).get(i));
                    assertFalse(frames.isNull(i));
                    for (int y = 0; y < TestBatches.HEIGHT; y++) {
                        for (int x = 0; x < TestBatches.WIDTH; x++) {
                            assertEquals(TestBatches.pixel(frame, y, x),
                                    pixels.getValueAsLong(i * pixelsPerFrame + y * TestBatches.WIDTH + x),
                                    "frame " + frame + " pixel (" + y + ", " + x + ")");
                        }
                    }
                }
            }
            assertEquals(7, frame);
        }
        return sizes;
    }
}
