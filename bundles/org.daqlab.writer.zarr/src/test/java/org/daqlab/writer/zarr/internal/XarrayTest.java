package org.daqlab.writer.zarr.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;
import org.daqlab.api.storage.TestStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * xarray opens each stream group of a Zarr v2 store as a Dataset with the dimensions {@code time},
 * {@code y}, {@code x}, keeps every column's type (integers stay integers: the writer gives them no
 * v2 fill value, which xarray would take for a missing-value marker) and decodes the timestamps to
 * {@code datetime64[ns]} without losing a nanosecond.
 */
class XarrayTest {

    private static final List<StreamDescriptor> STREAMS = List.of(TestStreams.POWER, TestStreams.adc(4), TestStreams.CAMERA);
    private static final int[] ROWS = {2100, 3000, 5};

    @TempDir
    Path dir;
    private final BufferAllocator allocator = new RootAllocator();
    private ZarrStorageWriter writer;

    @AfterEach
    void close() throws Exception {
        if (writer != null) {
            writer.deactivate();
        }
        allocator.close();
    }

    @Test
    void xarrayOpensEveryStreamAsADatasetWithItsTypesAndExactTimes() throws Exception {
        writer = TestConfigs.writer(Map.of("zarr__format", 2, "chunk__rows", 1000));
        TestRunContext context = new TestRunContext(dir, ZarrWriterInteropTest.RUN, 1, allocator);
        RunWriter run = writer.open(context);
        for (int s = 0; s < STREAMS.size(); s++) {
            run.describe(STREAMS.get(s));
            try (VectorSchemaRoot batch = TestStreams.batch(STREAMS.get(s), allocator, 0, ROWS[s])) {
                run.write(STREAMS.get(s).stream(), batch);
            }
        }
        run.close(null);

        JsonNode groups = ZarrReaders.xarray(context.path(null, "zarr"), dir).get("groups");

        JsonNode camera = groups.get("camera0");
        assertEquals("{\"time\":5,\"y\":48,\"x\":64}", camera.get("dims").toString());
        JsonNode frame = camera.get("variables").get("frame");
        assertEquals("[\"time\",\"y\",\"x\"]", frame.get("dims").toString());
        assertEquals("uint16", frame.get("dtype").asText());
        assertEquals(Integer.toString(TestStreams.pixel(4, 48 * 64 - 1)), frame.get("last").asText());
        assertEquals("int64", camera.get("variables").get("frame_number").get("dtype").asText());
        assertTime(camera.get("variables").get("timestamp_ns"), TestStreams.timestamp(0), TestStreams.timestamp(4));
        assertEquals(12, camera.get("attributes").get("bit_depth").asInt());

        JsonNode power = groups.get("power_meter_01").get("variables");
        Map<String, String> types = Map.of("i8", "int8", "i16", "int16", "i32", "int32", "i64", "int64", "u8", "uint8",
                "u16", "uint16", "u32", "uint32", "u64", "uint64", "ok", "bool", "f32", "float32");
        types.forEach((column, dtype) -> assertEquals(dtype, power.get(column).get("dtype").asText(), column));
        assertEquals("float64", power.get("power").get("dtype").asText());
        assertEquals("W", power.get("power").get("attributes").get("units").asText());
        assertEquals(Long.toString(Long.MIN_VALUE), power.get("i64").get("first").asText());
        assertTime(power.get("timestamp_ns"), TestStreams.timestamp(0), TestStreams.timestamp(2099));
        assertTime(power.get("at"), TestStreams.timestamp(0) + 17, TestStreams.timestamp(2099) + 17);
        assertTime(power.get("at_us"), TestStreams.timestamp(0) / 1000 * 1000, TestStreams.timestamp(2099) / 1000 * 1000);

        JsonNode adc = groups.get("adc0");
        assertEquals("{\"time\":3000}", adc.get("dims").toString());
        assertEquals("V", adc.get("variables").get("ch3").get("attributes").get("units").asText());
        assertEquals(-4.0, adc.get("variables").get("ch3").get("attributes").get("range_min").asDouble());
        assertEquals(100000.0, adc.get("attributes").get("sample_rate_hz").asDouble());
    }

    private static void assertTime(JsonNode variable, long first, long last) {
        assertEquals("datetime64[ns]", variable.get("dtype").asText());
        assertEquals(Long.toString(first), variable.get("first").asText(), "first time, to the nanosecond");
        assertEquals(Long.toString(last), variable.get("last").asText(), "last time, to the nanosecond");
    }
}
