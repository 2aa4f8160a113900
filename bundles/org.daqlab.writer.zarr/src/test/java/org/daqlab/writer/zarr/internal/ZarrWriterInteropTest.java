package org.daqlab.writer.zarr.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.MetadataUpdate;
import org.daqlab.api.run.RunStart;
import org.daqlab.api.run.RunStop;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;
import org.daqlab.api.storage.TestStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes a power meter (every integer and float width, bool, timestamps, nulls, a utf8 column), a
 * 16-channel ADC and a camera through the Zarr writer with the codecs and layouts it offers, with a
 * flush in the middle (the unfinished chunks are written and later replaced), and has the reference
 * reader of the format read the store: zarr-python for v2, zarrita for v3 (every CRC-32C checked
 * too). Shapes, dimension names, data types, every value and the attributes are what was published.
 */
class ZarrWriterInteropTest {

    static final RunStart RUN = new RunStart("6f1c2d3e-0000-4000-8000-00000000cafe", TestStreams.T0, "zarr_interop",
            Map.of("operator", "ada", "sample", "GaAs-17", "temperature_k", 4.2, "repeat", 3L, "dry_run", false));
    private static final List<StreamDescriptor> STREAMS = List.of(TestStreams.POWER, TestStreams.ADC, TestStreams.CAMERA);
    /** Rows per batch of each stream; chunks of 500 rows and 2 frames end mid-batch. */
    private static final int[] ROWS = {700, 1300, 3};

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

    @ParameterizedTest(name = "Zarr v{0}, {1} level {2}, shard_frames {3}, crc32c {4}")
    @CsvSource({
        "3, zstd, 0, 0, false",
        "3, zstd, 1, 4, true",
        "3, gzip, 1, 0, true",
        "3, none, 0, 6, false",
        "2, zstd, 1, 0, false",
        "2, gzip, 0, 0, false",
        "2, none, 0, 0, false"})
    void theReferenceReaderReadsEveryStreamAsPublished(int format, String compression, int level, int shardFrames,
            boolean crc32c) throws Exception {
        writer = TestConfigs.writer(Map.of("zarr__format", format, "compression", compression, "compression__level", level,
                "shard__frames", shardFrames, "crc32c", crc32c, "chunk__rows", 500, "frames__per__chunk", 2));
        TestRunContext context = new TestRunContext(dir, RUN, 1, allocator);
        RunWriter run = writer.open(context);
        for (StreamDescriptor stream : STREAMS) {
            run.describe(stream);
        }
        write(run, 0, 2);
        run.flush();
        run.metadata(new MetadataUpdate(null, "sample", "GaAs-18", TestStreams.T0 + 5));
        run.metadata(new MetadataUpdate("pm-01", "wavelength_nm", 1550L, TestStreams.T0 + 6));
        write(run, 2, 5);
        run.close(new RunStop(RUN.uid(), TestStreams.T0 + 9, RunStop.ExitStatus.SUCCESS, "done", Map.of()));

        Path store = context.path(null, "zarr");
        assertFalse(Files.exists(store.resolve(Store.LOCK)), "the lock is gone at close");
        assertEquals(List.of(), leftoverTemporaryFiles(store));
        ZarrReaders.Read read = ZarrReaders.read(ZarrFormat.of(format), store, dir);
        for (int s = 0; s < STREAMS.size(); s++) {
            ZarrReaders.assertStream(read, STREAMS.get(s).stream(), STREAMS.get(s), 0, 5L * ROWS[s],
                    s == 0 ? List.of("note") : List.of());
        }
        assertEquals(5L * (700 + 1300 + 3), context.file(null, "zarr").rows(), "rows of every stream reported");

        JsonNode root = read.store().get("attributes");
        assertEquals(RUN.uid(), root.get("run_uid").asText());
        assertEquals("zarr_interop", root.get("run_name").asText());
        assertEquals(1, root.get("segment").asInt());
        assertEquals("GaAs-18", root.get("sample").asText(), "run metadata as it stands at close");
        assertEquals(4.2, root.get("temperature_k").asDouble());
        assertEquals(3, root.get("repeat").asLong());
        assertFalse(root.get("dry_run").asBoolean(true));
        assertEquals("SUCCESS", root.get("run_stop").get("exit_status").asText());

        JsonNode power = ZarrReaders.group(read, "power_meter_01").get("attributes");
        assertEquals(1550, power.get("wavelength_nm").asLong(), "instrument metadata as it stands at close");
        assertEquals("PM100D", power.get("model").asText());
        assertEquals("Utf8", power.get("columns_not_written").get("note").asText());
        assertEquals(2, power.get("metadata_changes").size(), "the run's and the power meter's changes: " + power);
        assertEquals(1, ZarrReaders.group(read, "adc0").get("attributes").get("metadata_changes").size());

        JsonNode powerArrays = ZarrReaders.group(read, "power_meter_01").get("arrays");
        assertEquals("nanoseconds since 1970-01-01T00:00:00Z", powerArrays.get("timestamp_ns").get("attributes").get("units").asText());
        assertEquals("nanoseconds since 1970-01-01T00:00:00Z", powerArrays.get("at").get("attributes").get("units").asText());
        assertEquals("UTC", powerArrays.get("at").get("attributes").get("timezone").asText());
        assertEquals("microseconds since 1970-01-01T00:00:00", powerArrays.get("at_us").get("attributes").get("units").asText());
        JsonNode frame = ZarrReaders.group(read, "camera0").get("arrays").get("frame");
        if (read.v3()) {
            assertEquals(shardFrames > 0 ? "[2,48,64]" : "[2,48,64]", frame.get("chunks").toString(), "inner chunks");
            String codecs = frame.get("codecs").toString();
            String inner = "bytes" + (compression.equals("none") ? "" : "," + compression) + (crc32c ? ",crc32c" : "");
            assertEquals(shardFrames > 0 ? "[\"sharding_indexed[" + inner + "|bytes" + (crc32c ? ",crc32c" : "") + "]\"]"
                    : "[\"" + inner.replace(",", "\",\"") + "\"]", codecs);
            JsonNode checksums = frame.get("checksums");
            if (crc32c) {
                assertTrue(checksums.get("checked").asInt() > 0 && checksums.get("bad").isEmpty(), checksums.toString());
                JsonNode adc = ZarrReaders.group(read, "adc0").get("arrays").get("ch3").get("checksums");
                assertTrue(adc.get("checked").asInt() > 0 && adc.get("bad").isEmpty(), adc.toString());
            } else {
                assertTrue(checksums.isNull());
            }
        } else {
            assertEquals("[2,48,64]", frame.get("chunks").toString());
            JsonNode compressor = frame.get("compressor");
            if (compression.equals("none")) {
                assertTrue(compressor.isNull());
            } else {
                assertEquals(compression, compressor.get("id").asText());
                assertEquals(level == 0 ? ZarrCompression.fromOption(compression).level(0) : level, compressor.get("level").asInt());
            }
        }
    }

    /** Writes rounds {@code from} … {@code to - 1}: one batch of each stream per round. */
    private void write(RunWriter run, int from, int to) throws Exception {
        for (int round = from; round < to; round++) {
            for (int s = 0; s < STREAMS.size(); s++) {
                try (VectorSchemaRoot batch = TestStreams.batch(STREAMS.get(s), allocator, (long) round * ROWS[s], ROWS[s])) {
                    run.write(STREAMS.get(s).stream(), batch);
                }
            }
        }
    }

    static List<Path> leftoverTemporaryFiles(Path store) throws Exception {
        try (var files = Files.walk(store)) {
            return files.filter(f -> f.getFileName().toString().endsWith(Store.TEMP)).toList();
        }
    }
}
