package org.daqlab.writer.parquet.internal;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Checks what an independent reader ({@link NodeReaders}) read from a file against the values
 * {@link TestBatches} published: every row of every column, in order. hyparquet and DuckDB report the
 * same JSON shapes (64-bit integers as decimal strings, timestamps as the integers stored, lists as
 * length, sum and first values); where DuckDB's types are coarser it is said below.
 */
final class Readback {

    private final Map<String, Object> read;
    private final boolean duckdb;
    private final String what;

    Readback(Map<String, Object> read, String file) {
        this.read = read;
        this.duckdb = "duckdb".equals(read.get("reader"));
        this.what = read.get("reader") + " reading " + file;
    }

    @SuppressWarnings("unchecked")
    List<Object> column(String name) {
        List<Object> values = ((Map<String, List<Object>>) read.get("columns")).get(name);
        assertNotNull(values, what + ": column " + name + " in " + ((Map<String, Object>) read.get("columns")).keySet());
        return values;
    }

    long rows() {
        return Long.parseLong(String.valueOf(read.get("num_rows")));
    }

    /** Rows {@code first…first+count-1} of the power meter in rows {@code at…} of the file. */
    void assertPower(long first, int count, int at) {
        for (int i = 0; i < count; i++) {
            long row = first + i;
            int r = at + i;
            String where = what + ", power row " + row;
            assertEquals(Long.toString(timestamp(TestBatches.timestamp(row))), column("timestamp_ns").get(r), where + " timestamp_ns");
            assertEquals(TestBatches.power(row), number(column("power").get(r)), where + " power");
            assertEquals(TestBatches.note(row), column("note").get(r), where + " note");
            assertEquals(TestBatches.label(row), column("label").get(r), where + " label");
            assertEquals(TestBatches.ok(row), column("ok").get(r), where + " ok");
            assertEquals((long) TestBatches.i8(row), integer(column("i8").get(r)), where + " i8");
            assertEquals((long) TestBatches.u8(row), integer(column("u8").get(r)), where + " u8");
            assertEquals((long) TestBatches.i16(row), integer(column("i16").get(r)), where + " i16");
            assertEquals((long) TestBatches.u16(row), integer(column("u16").get(r)), where + " u16");
            assertEquals((long) TestBatches.i32(row), integer(column("i32").get(r)), where + " i32");
            assertEquals(TestBatches.u32(row), integer(column("u32").get(r)), where + " u32");
            assertEquals(Long.toString(TestBatches.i64(row)), column("i64").get(r), where + " i64");
            assertEquals(TestBatches.u64(row), column("u64").get(r), where + " u64");
            assertEquals((double) TestBatches.half(row), number(column("half").get(r)), where + " half");
            assertEquals((double) TestBatches.f32(row), number(column("f32").get(r)), where + " f32");
            assertEquals(Long.toString(timestamp(TestBatches.at(row))), column("at").get(r), where + " at");
            assertEquals(Long.toString(duckdb ? TestBatches.localMs(row) * 1_000_000L : TestBatches.localMs(row)),
                    column("local_ms").get(r), where + " local_ms");
        }
    }

    /** ADC rows {@code first…first+count-1} in rows {@code at…} of the file. */
    void assertAdc(long first, int count, int at) {
        for (int i = 0; i < count; i++) {
            long row = first + i;
            int r = at + i;
            assertEquals(Long.toString(timestamp(TestBatches.timestamp(row))), column("timestamp_ns").get(r),
                    what + ", adc row " + row + " timestamp_ns");
            for (int c = 0; c < TestBatches.ADC_CHANNELS; c++) {
                assertEquals(TestBatches.adc(c, row), number(column("ch" + c).get(r)), what + ", adc row " + row + " ch" + c);
            }
        }
    }

    /** Frames {@code first…first+count-1} in rows {@code at…} of the file. */
    @SuppressWarnings("unchecked")
    void assertCamera(long first, int count, int at) {
        for (int i = 0; i < count; i++) {
            long frame = first + i;
            int r = at + i;
            String where = what + ", frame " + frame;
            assertEquals(Long.toString(timestamp(TestBatches.timestamp(frame))), column("timestamp_ns").get(r), where + " timestamp_ns");
            assertEquals(Long.toString(frame), column("frame_number").get(r), where + " frame_number");
            Map<String, Object> pixels = (Map<String, Object>) column("frame").get(r);
            assertEquals(TestBatches.HEIGHT * TestBatches.WIDTH, ((Number) pixels.get("n")).intValue(), where + " pixels");
            assertEquals(Long.toString(TestBatches.frameSum(frame)), pixels.get("sum"), where + " pixel sum");
            List<Object> head = (List<Object>) pixels.get("head");
            for (int x = 0; x < head.size(); x++) {
                assertEquals((long) TestBatches.pixel(frame, x / TestBatches.WIDTH, x % TestBatches.WIDTH),
                        integer(head.get(x)), where + " pixel " + x);
            }
        }
    }

    /**
     * A UTC timestamp as the reader reports it: hyparquet gives the nanoseconds stored; DuckDB has
     * no nanosecond type with a time zone and reads TIMESTAMP(NANOS, UTC) as microseconds.
     */
    private long timestamp(long ns) {
        return duckdb ? Math.floorDiv(ns, 1000) * 1000 : ns;
    }

    private static Double number(Object v) {
        return v == null ? null : ((Number) v).doubleValue();
    }

    private static long integer(Object v) {
        return v instanceof Number n ? n.longValue() : Long.parseLong((String) v);
    }
}
