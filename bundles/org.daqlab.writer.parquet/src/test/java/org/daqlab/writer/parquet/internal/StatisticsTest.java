package org.daqlab.writer.parquet.internal;

import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.api.run.StreamDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Chunk statistics of the columns whose pages the writer encodes in bulk ({@link PlainPages}): the
 * same as parquet-java writes when it sees every value (float columns with byte-stream split go
 * through parquet-java), NaNs, signed zeros, infinities and unsigned order included.
 */
class StatisticsTest {

    private static final StreamDescriptor ODD = new StreamDescriptor("odd", "odd", StreamSchemas.schema("odd", "odd", List.of(
            new Field("u64", FieldType.notNullable(new ArrowType.Int(64, false)), null),
            new Field("i64", FieldType.notNullable(new ArrowType.Int(64, true)), null),
            new Field("f32", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null),
            new Field("f64", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null),
            new Field("zeros", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null)),
            Map.of()), Map.of());
    private static final double[] SPECIAL = {Double.NaN, -0.0, 0.0, Double.NEGATIVE_INFINITY, 3.5, -2.25, Double.POSITIVE_INFINITY};

    @TempDir
    Path dir;

    @Test
    void bulkWrittenColumnsHaveTheStatisticsParquetJavaWouldWrite() throws Exception {
        Map<String, Object> bulk = write("bulk", false);
        Map<String, Object> perValue = write("per-value", true);
        for (String column : List.of("f32", "f64", "zeros")) {
            assertEquals(stats(perValue, column), stats(bulk, column), column);
        }
        // uint64 in unsigned order: 0 is the smallest, 2^64-1 the largest
        assertEquals("0", stats(bulk, "u64").get("min_value"));
        assertEquals("18446744073709551615", stats(bulk, "u64").get("max_value"));
        assertEquals("-10000000", stats(bulk, "i64").get("min_value"), "row 0: -5 × 2 × 10^6");
        // hyparquet shows timestamp statistics as dates (milliseconds): present, and T0 + 299 ns
        assertEquals("2026-01-25T14:32:45.000Z", stats(bulk, "timestamp_ns").get("max_value"));
        List<Object> f64 = new Readback(bulk, "bulk").column("f64");
        // the values themselves (JSON has no negative zero)
        assertEquals(List.of("NaN", 0.0, 0.0, "-Infinity", 3.5, -2.25, "Infinity"), f64.subList(0, 7).stream()
                .map(v -> v instanceof Number n ? (Object) n.doubleValue() : v).toList());
    }

    private Map<String, Object> write(String name, boolean byteStreamSplit) throws Exception {
        try (LiveSegment live = new LiveSegment(dir.resolve(name), Map.of("byte__stream__split", byteStreamSplit), ODD)) {
            for (int batch = 0; batch < 3; batch++) {
                VectorSchemaRoot root = VectorSchemaRoot.create(ODD.schema(), live.allocator);
                root.allocateNew();
                for (int i = 0; i < 100; i++) {
                    int row = batch * 100 + i;
                    ((BigIntVector) root.getVector(0)).setSafe(i, TestBatches.T0 + row);
                    ((UInt8Vector) root.getVector("u64")).setSafe(i, row == 7 ? -1L : row == 8 ? 0L : Long.MIN_VALUE + row);
                    ((BigIntVector) root.getVector("i64")).setSafe(i, (row % 10 - 5) * 1_000_000L * (row % 3 == 0 ? 2 : 1));
                    double v = row % 11 < SPECIAL.length ? SPECIAL[row % 11] : row * 0.5 - 40;
                    ((Float4Vector) root.getVector("f32")).setSafe(i, (float) v);
                    ((Float8Vector) root.getVector("f64")).setSafe(i, v);
                    // no infinities here: the extremes are zeros of either sign and NaNs, which parquet-java normalises
                    ((Float8Vector) root.getVector("zeros")).setSafe(i, row % 3 == 0 ? Double.NaN : row % 3 == 1 ? -0.0 : 0.0);
                }
                root.setRowCount(100);
                live.write("odd", root);
            }
            live.close();
            return NodeReaders.hyparquet(live.file("odd"));
        }
    }

    private static Map<String, Object> stats(Map<String, Object> read, String column) {
        return ParquetRunWriterTest.map(ParquetRunWriterTest.chunks(ParquetRunWriterTest.rowGroups(read).get(0)).stream()
                .filter(c -> c.get("path").equals(column)).findFirst().orElseThrow().get("statistics"));
    }
}
