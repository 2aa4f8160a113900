package org.daqlab.webconsole.internal.tap;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.FixedShapeTensorType;
import org.daqlab.api.data.FixedShapeTensorVector;
import org.daqlab.api.data.StreamSchemas;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the tap keeps of one stream: the latest {@code capacity} rows of every numeric column (a ring of values per
 * column, one of timestamps) and the latest frame of its first frame column, plus the vectors its batches are
 * decoded into. Not thread-safe: the tap guards it.
 */
final class StreamHistory implements AutoCloseable {

    private final String stream;
    private final String instrumentId;
    private final int capacity;
    private final long[] timestamps;
    /** Numeric columns by name, in schema order; {@code timestamp_ns} is the x axis, not one of them. */
    private final Map<String, double[]> values = new LinkedHashMap<>();
    private final Map<String, String> units = new LinkedHashMap<>();
    private final String frameColumn;
    /** Next slot to write; rows kept = min(written, capacity). */
    private int next;
    private long written;
    private Frame latestFrame;
    private final VectorSchemaRoot root;

    StreamHistory(Schema schema, int capacity, BufferAllocator allocator) {
        this.root = VectorSchemaRoot.create(schema, allocator);
        this.stream = schema.getCustomMetadata().getOrDefault(StreamSchemas.STREAM, "?");
        this.instrumentId = schema.getCustomMetadata().getOrDefault(StreamSchemas.INSTRUMENT_ID, stream);
        this.capacity = capacity;
        this.timestamps = new long[capacity];
        String frame = null;
        for (Field f : schema.getFields()) {
            if (StreamSchemas.isFrame(f)) {
                frame = frame == null ? f.getName() : frame;
            } else if (!f.getName().equals(StreamSchemas.TIMESTAMP_NS) && numeric(f)) {
                values.put(f.getName(), new double[capacity]);
                units.put(f.getName(), StreamSchemas.unit(f));
            }
        }
        this.frameColumn = frame;
    }

    /** The vectors a batch of this stream is loaded into; reused from batch to batch. */
    VectorSchemaRoot root() {
        return root;
    }

    /** Releases the decoding vectors; the kept values stay readable. */
    @Override
    public void close() {
        root.close();
    }

    String stream() {
        return stream;
    }

    String instrumentId() {
        return instrumentId;
    }

    boolean hasFrames() {
        return frameColumn != null;
    }

    Frame latestFrame() {
        return latestFrame;
    }

    /** Numeric columns and their units (a unit may be {@code null}). */
    Map<String, String> columns() {
        return units;
    }

    /** Adds a decoded batch: every row's numeric values, and its last frame if {@code withFrame}. */
    void add(VectorSchemaRoot batch, boolean withFrame) {
        int rows = batch.getRowCount();
        FieldVector time = batch.getVector(StreamSchemas.TIMESTAMP_NS);
        List<FieldVector> columns = new ArrayList<>(values.size());
        values.keySet().forEach(name -> columns.add(batch.getVector(name)));
        // only the newest `capacity` rows of a large batch can stay
        for (int r = Math.max(0, rows - capacity); r < rows; r++) {
            timestamps[next] = time == null || time.isNull(r) ? 0 : ((BaseIntVector) time).getValueAsLong(r);
            int c = 0;
            for (double[] column : values.values()) {
                column[next] = value(columns.get(c++), r);
            }
            next = (next + 1) % capacity;
            written++;
        }
        if (withFrame && frameColumn != null && rows > 0) {
            latestFrame = frame(batch, rows - 1, time);
        }
    }

    /** The newest {@code points} values of a column, oldest first; {@code null} for an unknown column. */
    Series series(String column, int points) {
        double[] ring = values.get(column);
        if (ring == null) {
            return null;
        }
        int kept = (int) Math.min(written, capacity);
        int n = Math.min(kept, Math.max(0, points));
        long[] t = new long[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            int slot = Math.floorMod(next - n + i, capacity);
            t[i] = timestamps[slot];
            v[i] = ring[slot];
        }
        return new Series(stream, column, units.get(column), t, v);
    }

    private Frame frame(VectorSchemaRoot batch, int row, FieldVector time) {
        FixedShapeTensorVector frames = (FixedShapeTensorVector) batch.getVector(frameColumn);
        long[] shape = frames.tensorType().shape();
        int bits = FixedShapeTensorType.valueType(frames.getField()).getBitWidth();
        int elements = frames.tensorType().elementCount();
        int bytesPerPixel = bits / 8;
        byte[] pixels = new byte[elements * bytesPerPixel];
        ArrowBuf data = frames.pixelVector().getDataBuffer();
        data.getBytes((long) row * elements * bytesPerPixel, pixels);
        FieldVector number = batch.getVector("frame_number");
        long frameNumber = number instanceof BaseIntVector n && !number.isNull(row) ? n.getValueAsLong(row) : -1;
        long ts = time == null || time.isNull(row) ? 0 : ((BaseIntVector) time).getValueAsLong(row);
        // [H, W] frames; any other tensor shows as rows of its last dimension
        int width = (int) shape[shape.length - 1];
        int height = elements / width;
        return new Frame(stream, frameColumn, height, width, bits, pixels, frameNumber, ts);
    }

    private static boolean numeric(Field f) {
        return f.getType() instanceof ArrowType.FloatingPoint || f.getType() instanceof ArrowType.Int;
    }

    private static double value(FieldVector v, int row) {
        if (v == null || v.isNull(row)) {
            return Double.NaN;
        }
        if (v instanceof FloatingPointVector fp) {
            return fp.getValueAsDouble(row);
        }
        return ((BaseIntVector) v).getValueAsLong(row);
    }
}
