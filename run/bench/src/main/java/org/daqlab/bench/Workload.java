package org.daqlab.bench;

import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.daqlab.api.data.FixedShapeTensorType;
import org.daqlab.api.data.FixedShapeTensorVector;
import org.daqlab.api.run.StreamDescriptor;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * One stream's data as every contender of {@link Hdf5WriteBench} writes it: Arrow batches, generated
 * once and kept in memory, so that all contenders write the very same bytes. Only fixed-width columns
 * without nulls (int64, float64, tensors of them or of uint16), which is what instruments produce and
 * what a raw column file can hold.
 *
 * @param name       the workload's name in the report ({@code frames}, {@code scalars}, {@code adc})
 * @param descriptor the stream
 * @param batches    the batches, in order
 * @param batchRows  rows per batch (the last may have fewer)
 */
record Workload(String name, StreamDescriptor descriptor, List<VectorSchemaRoot> batches, int batchRows)
        implements AutoCloseable {

    /** Rows of the stream. */
    long rows() {
        return batches.stream().mapToLong(VectorSchemaRoot::getRowCount).sum();
    }

    /** Bytes of all column values: what an uncompressed file holds, the unit of every MB/s. */
    long bytes() {
        long bytes = 0;
        for (VectorSchemaRoot batch : batches) {
            for (int c = 0; c < batch.getFieldVectors().size(); c++) {
                bytes += values(batch, c).remaining();
            }
        }
        return bytes;
    }

    /** The values of column {@code column} of {@code batch}, little endian, without copying. */
    static ByteBuffer values(VectorSchemaRoot batch, int column) {
        FieldVector vector = batch.getVector(column);
        Field field = batch.getSchema().getFields().get(column); // the vector's own field has lost the extension type
        FieldVector values = vector instanceof FixedShapeTensorVector tensor ? tensor.pixelVector() : vector;
        long bytes = (long) batch.getRowCount() * valuesPerRow(field) * ((BaseFixedWidthVector) values).getTypeWidth();
        return values.getDataBuffer().nioBuffer(0, Math.toIntExact(bytes));
    }

    /** The shape of one row's value: {@code []} for scalars, {@code [H, W]} for frames. */
    static long[] rowShape(Field field) {
        return field.getType() instanceof FixedShapeTensorType tensor ? tensor.shape() : new long[0];
    }

    /** The numpy dtype of a column's values ({@code <u2}, {@code <i8}, {@code <f8}, …). */
    static String numpyDtype(Field field) {
        ArrowType type = field.getType() instanceof FixedShapeTensorType ? field.getChildren().get(0).getType()
                : field.getType();
        if (type instanceof ArrowType.Int i) {
            return "<" + (i.getIsSigned() ? "i" : "u") + i.getBitWidth() / 8;
        }
        if (type instanceof ArrowType.FloatingPoint f && f.getPrecision() == FloatingPointPrecision.DOUBLE) {
            return "<f8";
        }
        throw new IllegalArgumentException("column '" + field.getName() + "' of type " + type
                + " is not a workload column type (integers, float64, tensors of them)");
    }

    private static long valuesPerRow(Field field) {
        return Arrays.stream(rowShape(field)).reduce(1, Math::multiplyExact);
    }

    @Override
    public void close() {
        batches.forEach(VectorSchemaRoot::close);
    }
}
