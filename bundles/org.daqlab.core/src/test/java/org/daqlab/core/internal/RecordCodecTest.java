package org.daqlab.core.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.daqlab.api.data.FixedShapeTensorType;
import org.daqlab.arrow.ipc.BatchMessage;
import org.daqlab.api.data.FixedShapeTensorVector;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Everything that travels through the ring comes out of the codec as it went in. */
class RecordCodecTest {

    private static final int HEIGHT = 3;
    private static final int WIDTH = 4;
    private static final int PIXELS = HEIGHT * WIDTH;
    /** 2026-01-25T14:32:45.123456789Z: beyond the range of an int, as every real timestamp. */
    private static final long T0 = 1_769_351_565_123_456_789L;

    private static final StreamDescriptor CAMERA = new StreamDescriptor("camera0", "cam-01",
            StreamSchemas.schema("camera0", "cam-01", List.of(
                    StreamSchemas.float64("exposure", "s"),
                    StreamSchemas.float64("ch0", "V", -10, 10),
                    StreamSchemas.frame("frame", 16, HEIGHT, WIDTH)), Map.of("vendor", "sim")),
            Map.of("serial", "SN-42", "gain", 2L, "temperature", -12.5, "cooled", true));

    private final BufferAllocator allocator = new RootAllocator();

    @AfterEach
    void closeAllocator() {
        allocator.close(); // fails the test if a decoded batch leaked
    }

    @Test
    void descriptorKeepsUnitsRangesTypedMetadataAndTheFrameType() throws Exception {
        StreamDescriptor decoded = RecordCodec.decodeDescriptor(ByteBuffer.wrap(RecordCodec.encodeDescriptor(CAMERA)));

        assertEquals("camera0", decoded.stream());
        assertEquals("cam-01", decoded.instrumentId());
        assertEquals(CAMERA.metadata(), decoded.metadata());
        // equals() would accept 2 for 2L; writers rely on the promised Java types
        assertInstanceOf(Long.class, decoded.metadata().get("gain"));
        assertInstanceOf(Double.class, decoded.metadata().get("temperature"));
        assertInstanceOf(Boolean.class, decoded.metadata().get("cooled"));
        assertInstanceOf(String.class, decoded.metadata().get("serial"));
        assertEquals("sim", decoded.schema().getCustomMetadata().get("vendor"));
        assertFalse(decoded.schema().getCustomMetadata().containsKey(RecordCodec.DESCRIPTOR_METADATA_KEY),
                "the transport key is not part of the schema writers see");

        assertEquals("s", StreamSchemas.unit(decoded.schema().findField("exposure")));
        Field ch0 = decoded.schema().findField("ch0");
        assertEquals("V", StreamSchemas.unit(ch0));
        assertEquals("-10.0", ch0.getMetadata().get(StreamSchemas.RANGE_MIN));
        assertEquals("10.0", ch0.getMetadata().get(StreamSchemas.RANGE_MAX));

        Field frame = decoded.schema().findField("frame");
        FixedShapeTensorType type = assertInstanceOf(FixedShapeTensorType.class, frame.getType());
        assertArrayEquals(new long[] {HEIGHT, WIDTH}, type.shape());
        assertEquals(new ArrowType.Int(16, false), FixedShapeTensorType.valueType(frame));
        assertEquals(CAMERA.schema().getFields(), decoded.schema().getFields(),
                "a batch built from the decoded schema passes the publisher's schema check");
    }

    @Test
    void batchValuesAndFramePixelsSurvive() throws Exception {
        StreamDescriptor decodedDescriptor = RecordCodec.decodeDescriptor(ByteBuffer.wrap(RecordCodec.encodeDescriptor(CAMERA)));
        int rows = 3;
        ByteBuffer encoded;
        try (VectorSchemaRoot batch = VectorSchemaRoot.create(CAMERA.schema(), allocator)) {
            FixedShapeTensorVector frames = (FixedShapeTensorVector) batch.getVector("frame");
            UInt2Vector pixels = (UInt2Vector) frames.pixelVector();
            for (int row = 0; row < rows; row++) {
                ((BigIntVector) batch.getVector(StreamSchemas.TIMESTAMP_NS)).setSafe(row, T0 + row);
                ((Float8Vector) batch.getVector("exposure")).setSafe(row, 1e-3 * (row + 1));
                ((Float8Vector) batch.getVector("ch0")).setSafe(row, -9.75 + row);
                frames.getUnderlyingVector().setNotNull(row);
                for (int pixel = 0; pixel < PIXELS; pixel++) {
                    pixels.setSafe(row * PIXELS + pixel, pixelValue(row, pixel));
                }
            }
            batch.setRowCount(rows);
            try (ArrowRecordBatch unloaded = new VectorUnloader(batch).getRecordBatch()) {
                BatchMessage message = BatchMessage.of(unloaded);
                encoded = ByteBuffer.allocate((int) message.size());
                message.writeTo(encoded);
                encoded.flip();
            }
        }

        try (VectorSchemaRoot decoded = VectorSchemaRoot.create(decodedDescriptor.schema(), allocator)) {
            RecordCodec.decodeBatch(encoded, allocator, decoded);

            assertEquals(rows, decoded.getRowCount());
            FixedShapeTensorVector frames = assertInstanceOf(FixedShapeTensorVector.class, decoded.getVector("frame"));
            FixedSizeListVector frameList = frames.getUnderlyingVector();
            UInt2Vector pixels = (UInt2Vector) frames.pixelVector();
            for (int row = 0; row < rows; row++) {
                assertEquals(T0 + row, ((BigIntVector) decoded.getVector(StreamSchemas.TIMESTAMP_NS)).get(row));
                assertEquals(1e-3 * (row + 1), ((Float8Vector) decoded.getVector("exposure")).get(row));
                assertEquals(-9.75 + row, ((Float8Vector) decoded.getVector("ch0")).get(row));
                assertFalse(frameList.isNull(row));
                for (int pixel = 0; pixel < PIXELS; pixel++) {
                    assertEquals(pixelValue(row, pixel), pixels.get(row * PIXELS + pixel), "row " + row + " pixel " + pixel);
                }
            }
        }
    }

    @Test
    void runStartAndStopSurviveWithTypedMetadata() throws Exception {
        RunStart start = new RunStart("6f1c2a4e-0d7b-4c39-9a53-2f7e8b1d0c55", T0, "wavelength_scan",
                Map.of("operator", "ada", "repeats", 3L, "power_mw", 1.5, "dry_run", false, "start_nm", 400.0));
        RunStart decodedStart = RecordCodec.decodeRunStart(ByteBuffer.wrap(RecordCodec.encodeRunStart(start)));
        assertEquals(start, decodedStart);
        assertInstanceOf(Long.class, decodedStart.metadata().get("repeats"));
        assertInstanceOf(Double.class, decodedStart.metadata().get("start_nm"), "a whole-number double stays a Double");

        RunStop stop = new RunStop(start.uid(), T0 + 60_000_000_000L, RunStop.ExitStatus.ABORT, "platform shutdown",
                Map.of("camera0", 12L, "power_meter_01", 5_000_000_000L));
        assertEquals(stop, RecordCodec.decodeRunStop(ByteBuffer.wrap(RecordCodec.encodeRunStop(stop))));
    }

    @Test
    void metadataUpdatesSurviveAtRunAndInstrumentLevel() throws Exception {
        for (MetadataUpdate update : List.of(
                new MetadataUpdate(null, "sample", "Si-7", T0),
                new MetadataUpdate(null, "attempt", 2L, T0 + 1),
                new MetadataUpdate("pm-01", "wavelength_nm", 1550.0, T0 + 2),
                new MetadataUpdate("pm-01", "auto_range", true, T0 + 3))) {
            MetadataUpdate decoded = RecordCodec.decodeMetadata(ByteBuffer.wrap(RecordCodec.encodeMetadata(update)));
            assertEquals(update, decoded);
            assertEquals(update.value().getClass(), decoded.value().getClass(), update.key());
        }
    }

    /** Spans the whole unsigned 16-bit range, so a sign or byte-order slip shows. */
    private static int pixelValue(int row, int pixel) {
        return (row * 20_000 + pixel * 5_000 + 65_535) % 65_536;
    }
}
