package org.daqlab.writer.arrow.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;
import org.daqlab.api.storage.TestStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stream whose columns change during a segment (an ADC reconfigured from 16 channels to 3) goes on
 * in a new file {@code <stream>.schema2}, {@code .schema3}, …: no row is lost or written under the
 * wrong columns, each file is complete, and the writer says once per change where the batches went.
 * Arrow IPC can hold every Arrow type; the one thing the writer cannot write is a dictionary-encoded
 * column, whose dictionary never reaches writers: it is reported once and left out, the rest written.
 */
class SchemaChangeTest {

    private static final StreamDescriptor THREE_CHANNELS = TestStreams.adc(3);

    @TempDir
    Path dir;
    private final BufferAllocator allocator = new RootAllocator();

    @AfterEach
    void close() {
        allocator.close();
    }

    @ParameterizedTest(name = "{0} format")
    @ValueSource(strings = {"stream", "file"})
    void describingAStreamAgainWithOtherColumnsStartsANewFile(String format) throws Exception {
        String extension = IpcFormat.fromOption(format).extension();
        TestRunContext context = run(Map.of("format", format, "compression", "zstd"), TestStreams.ADC, run -> {
            write(run, TestStreams.ADC, 0, 1200);
            run.describe(THREE_CHANNELS);
            write(run, THREE_CHANNELS, 1200, 800);
            write(run, THREE_CHANNELS, 2000, 100);
        });

        List<JsonNode> files = ArrowJs.readAll(List.of(context.path("adc0", extension), context.path("adc0.schema2", extension)), dir);
        assertEquals(1200, ArrowJs.assertRows(ArrowJs.ok(files.get(0)), TestStreams.expected(TestStreams.ADC), 0));
        assertEquals(900, ArrowJs.assertRows(ArrowJs.ok(files.get(1)), TestStreams.expected(THREE_CHANNELS), 1200));
        assertEquals("adc0", files.get(1).get("schema_metadata").get("stream").asText(), "the new file names its stream");
        assertOneNoticeNaming(context, "adc0.schema2_s1." + extension, "ch15");
    }

    @Test
    void batchWithOtherColumnsStartsANewFileWithoutADescribe() throws Exception {
        TestRunContext context = run(Map.of(), TestStreams.ADC, run -> {
            write(run, TestStreams.ADC, 0, 1000);
            write(run, THREE_CHANNELS, 1000, 500);
            write(run, TestStreams.ADC, 1500, 200); // back to 16 channels: a third file
        });

        List<JsonNode> files = ArrowJs.readAll(List.of(context.path("adc0", "arrows"), context.path("adc0.schema2", "arrows"),
                context.path("adc0.schema3", "arrows")), dir);
        assertEquals(1000, ArrowJs.assertRows(ArrowJs.ok(files.get(0)), TestStreams.expected(TestStreams.ADC), 0));
        assertEquals(500, ArrowJs.assertRows(ArrowJs.ok(files.get(1)), TestStreams.expected(THREE_CHANNELS), 1000));
        assertEquals(200, ArrowJs.assertRows(ArrowJs.ok(files.get(2)), TestStreams.expected(TestStreams.ADC), 1500));
        assertOneNoticeNaming(context, "adc0.schema2_s1.arrows", "ch15");
        assertOneNoticeNaming(context, "adc0.schema3_s1.arrows", "ch15");
    }

    @Test
    void describingAgainWithTheSameColumnsKeepsTheFile() throws Exception {
        // only metadata differs (other units and ranges): not a schema change for the file
        StreamDescriptor millivolts = new StreamDescriptor("adc0", "adc0", StreamSchemas.schema("adc0", "adc0",
                TestStreams.ADC.schema().getFields().subList(1, TestStreams.CHANNELS + 1).stream()
                        .map(f -> StreamSchemas.float64(f.getName(), "mV")).toList(), Map.of()), Map.of());
        TestRunContext context = run(Map.of(), TestStreams.ADC, run -> {
            write(run, TestStreams.ADC, 0, 700);
            run.describe(millivolts);
            write(run, TestStreams.ADC, 700, 700);
        });

        assertEquals(1400, ArrowJs.assertRows(ArrowJs.ok(ArrowJs.read(context.path("adc0", "arrows"), dir)),
                TestStreams.expected(TestStreams.ADC), 0));
        assertEquals(List.of("adc0_s1.arrows"), context.files.keySet().stream().toList());
    }

    @Test
    void dictionaryEncodedColumnIsReportedOnceAndLeftOutTheRestWritten() throws Exception {
        Field label = new Field("label", new FieldType(false, new ArrowType.Int(32, true),
                new DictionaryEncoding(7, false, new ArrowType.Int(32, true))), null);
        List<Field> fields = new java.util.ArrayList<>(THREE_CHANNELS.schema().getFields().subList(1, 4));
        fields.add(label);
        StreamDescriptor labelled = new StreamDescriptor("adc0", "adc0", StreamSchemas.schema("adc0", "adc0", fields, Map.of()),
                Map.of());
        Map<String, java.util.function.LongFunction<Object>> values = new java.util.LinkedHashMap<>(TestStreams.expected(THREE_CHANNELS));
        values.put("label", r -> r % 3);
        TestRunContext context = run(Map.of("format", "file"), labelled, run -> {
            for (int b = 0; b < 3; b++) {
                try (VectorSchemaRoot batch = TestStreams.batch(labelled.schema(), values, allocator, b * 100L, 100)) {
                    run.write("adc0", batch);
                }
            }
        });

        JsonNode file = ArrowJs.ok(ArrowJs.read(context.path("adc0", "arrow"), dir));
        assertEquals(300, ArrowJs.assertRows(file, TestStreams.expected(THREE_CHANNELS), 0), "every other column, every row");
        List<String> notices = context.notices.stream().filter(n -> n.contains("'label'")).distinct().toList();
        assertEquals(1, notices.size(), "one notice: " + context.notices);
        assertTrue(notices.get(0).contains("stream 'adc0'") && notices.get(0).contains("dictionary-encoded"), notices.get(0));
    }

    private interface Steps {
        void run(RunWriter run) throws Exception;
    }

    /** A segment in which {@code first} is described, then {@code steps} run. */
    private TestRunContext run(Map<String, Object> config, StreamDescriptor first, Steps steps) throws Exception {
        ArrowStorageWriter writer = TestConfigs.writer(config);
        TestRunContext context = new TestRunContext(dir, ArrowWriterInteropTest.RUN, 1, allocator);
        RunWriter run = writer.open(context);
        try {
            run.describe(first);
            steps.run(run);
        } finally {
            run.close(ArrowWriterInteropTest.STOP);
            writer.deactivate();
        }
        return context;
    }

    private void write(RunWriter run, StreamDescriptor stream, long first, int rows) throws Exception {
        try (VectorSchemaRoot batch = TestStreams.batch(stream, allocator, first, rows)) {
            run.write(stream.stream(), batch);
        }
    }

    private static void assertOneNoticeNaming(TestRunContext context, String file, String droppedColumn) {
        List<String> notices = context.notices.stream().filter(n -> n.contains("go to " + file)).toList();
        assertEquals(1, notices.size(), "one notice naming " + file + ": " + context.notices);
        assertTrue(notices.get(0).contains("stream 'adc0'") && notices.get(0).contains(droppedColumn), notices.get(0));
    }
}
