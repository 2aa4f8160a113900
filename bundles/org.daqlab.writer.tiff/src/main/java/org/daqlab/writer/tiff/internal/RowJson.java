package org.daqlab.writer.tiff.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.daqlab.api.data.StreamSchemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A frame's row without its frames, as the JSON of its page's {@value Tag#DAQLAB_FRAME} tag, e.g.
 * {@code {"timestamp_ns":1769351565000000000,"frame_number":17,"exposure_s":0.005}}: every column
 * of integers, floats, booleans, strings or timestamps (as their integer value), in schema order,
 * null as null. Columns of other types (lists, structs, …) are reported once and left out.
 */
final class RowJson {

    private static final JsonFactory JSON = new JsonFactory();

    private final List<String> names = new ArrayList<>();
    private final List<Integer> columns = new ArrayList<>();
    private final ByteArrayBuilder out = new ByteArrayBuilder(256);

    /**
     * @param schema the stream's columns
     * @param report told once per column that cannot go into the JSON
     */
    RowJson(String stream, Schema schema, Consumer<String> report) {
        List<Field> fields = schema.getFields();
        for (int i = 0; i < fields.size(); i++) {
            Field field = fields.get(i);
            if (StreamSchemas.isFrame(field)) {
                continue;
            }
            ArrowType type = field.getType();
            if (type instanceof ArrowType.Int || type instanceof ArrowType.FloatingPoint || type instanceof ArrowType.Bool
                    || type instanceof ArrowType.Utf8 || type instanceof ArrowType.LargeUtf8
                    || type instanceof ArrowType.Timestamp) {
                names.add(field.getName());
                columns.add(i);
            } else {
                report.accept("stream '" + stream + "': column '" + field.getName() + "' (" + type + ") is not recorded on "
                        + "the TIFF pages: only integers, floats, booleans, strings and timestamps are");
            }
        }
    }

    /** Row {@code row} of {@code batch} (same columns as the schema) as NUL-terminated JSON. */
    byte[] row(VectorSchemaRoot batch, int row) {
        out.reset();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            for (int c = 0; c < columns.size(); c++) {
                json.writeFieldName(names.get(c));
                write(json, batch.getVector(columns.get(c)), row);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the row of a page as JSON", e);
        }
        out.write(0);
        return out.toByteArray();
    }

    private static void write(JsonGenerator json, FieldVector vector, int row) throws IOException {
        if (vector.isNull(row)) {
            json.writeNull();
        } else if (vector instanceof UInt8Vector u) {
            json.writeNumber(new BigInteger(Long.toUnsignedString(u.get(row))));
        } else if (vector instanceof BaseIntVector i) {
            json.writeNumber(i.getValueAsLong(row));
        } else if (vector instanceof FloatingPointVector f) {
            json.writeNumber(f.getValueAsDouble(row));
        } else if (vector instanceof BitVector b) {
            json.writeBoolean(b.get(row) != 0);
        } else if (vector instanceof TimeStampVector t) {
            json.writeNumber(t.get(row));
        } else if (vector instanceof VarCharVector || vector instanceof LargeVarCharVector) {
            json.writeString(vector.getObject(row).toString());
        } else {
            json.writeNull(); // a vector that does not match its column's type: nothing to record
        }
    }
}
