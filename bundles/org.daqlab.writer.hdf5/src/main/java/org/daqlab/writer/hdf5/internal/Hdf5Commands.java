package org.daqlab.writer.hdf5.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.felix.service.command.Descriptor;
import org.daqlab.api.data.FixedShapeTensorType;
import org.daqlab.api.data.StreamSchemas;
import org.daqlab.writer.hdf5.Hdf5BatchReader;
import org.daqlab.writer.hdf5.Hdf5Column;
import org.daqlab.writer.hdf5.Hdf5DroppedColumn;
import org.daqlab.writer.hdf5.Hdf5RunFile;
import org.daqlab.writer.hdf5.Hdf5Stream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Gogo commands {@code daq:h5ls} and {@code daq:h5read}: a look into daqlab HDF5 files from the console. */
@Component(
        service = Object.class, // Gogo finds commands by their osgi.command.* properties
        property = {
                "osgi.command.scope=daq",
                "osgi.command.function=h5ls",
                "osgi.command.function=h5read"
        })
public final class Hdf5Commands {

    private static final int DEFAULT_ROWS = 10;
    private static final int MAX_CELL = 40;

    private final BufferAllocator rootAllocator;

    @Activate
    public Hdf5Commands(@Reference BufferAllocator rootAllocator) {
        this.rootAllocator = rootAllocator;
    }

    @Descriptor("list the run metadata and the streams of a daqlab .h5 file: rows, instrument metadata, columns")
    public String h5ls(@Descriptor("the .h5 file") String file) throws IOException {
        try (Hdf5RunFile h5 = Hdf5RunFile.open(Path.of(file))) {
            StringBuilder out = new StringBuilder(h5.path().toString()).append('\n');
            appendAttributes(out, "", h5.attributes());
            for (Hdf5Stream stream : h5.streams()) {
                out.append('\n').append(title(stream)).append(": ").append(stream.rowCount()).append(" rows\n");
                appendAttributes(out, "  ", stream.attributes());
                Table columns = new Table("COLUMN", "ARROW TYPE", "HDF5 TYPE", "SHAPE", "UNITS", "STORAGE", "METADATA");
                for (Hdf5Column column : stream.columns()) {
                    Map<String, Object> metadata = new TreeMap<>(column.attributes());
                    metadata.remove("units");
                    columns.row(column.name(), typeName(column.field()), column.hdf5Type(), column.shape(),
                            column.units() == null ? "" : column.units(), column.storage(), joined(metadata));
                }
                columns.appendTo(out, "  ");
                for (Hdf5DroppedColumn dropped : stream.droppedColumns()) {
                    out.append("  not stored: ").append(dropped.field().getName()).append(" (")
                            .append(typeName(dropped.field())).append("): ").append(dropped.reason()).append('\n');
                }
            }
            return out.toString();
        }
    }

    @Descriptor("print the first " + DEFAULT_ROWS + " rows of a stream of a daqlab .h5 file")
    public String h5read(@Descriptor("the .h5 file") String file,
            @Descriptor("the stream (group name, e.g. camera0 or camera0.schema2)") String stream) throws IOException {
        return h5read(file, stream, DEFAULT_ROWS);
    }

    @Descriptor("print the first rows of a stream of a daqlab .h5 file")
    public String h5read(@Descriptor("the .h5 file") String file,
            @Descriptor("the stream (group name, e.g. camera0 or camera0.schema2)") String stream,
            @Descriptor("how many rows to print") int maxRows) throws IOException {
        try (Hdf5RunFile h5 = Hdf5RunFile.open(Path.of(file));
                BufferAllocator allocator = rootAllocator.newChildAllocator("daq:h5read", 0, Long.MAX_VALUE);
                Hdf5BatchReader reader = h5.read(stream, allocator, maxRows)) {
            Hdf5Stream read = reader.stream();
            StringBuilder out = new StringBuilder(title(read)).append(" in ").append(h5.path()).append(": ");
            if (!reader.loadNextBatch()) {
                return out.append("no rows\n").toString();
            }
            VectorSchemaRoot batch = reader.root();
            out.append("rows 0 to ").append(batch.getRowCount() - 1).append(" of ").append(read.rowCount()).append('\n');
            List<String> headers = new ArrayList<>();
            for (Field field : batch.getSchema().getFields()) {
                String unit = StreamSchemas.unit(field);
                headers.add(field.getName() + (unit == null ? "" : " [" + unit + "]"));
            }
            Table rows = new Table(headers.toArray(String[]::new));
            for (int row = 0; row < batch.getRowCount(); row++) {
                Object[] cells = new Object[headers.size()];
                for (int column = 0; column < cells.length; column++) {
                    // the schema's field: an extension vector's own field is its storage's
                    cells[column] = cell(batch.getSchema().getFields().get(column), batch.getVector(column), row);
                }
                rows.row(cells);
            }
            rows.appendTo(out, "");
            for (Hdf5DroppedColumn dropped : read.droppedColumns()) {
                out.append("not stored: ").append(dropped.field().getName()).append(": ").append(dropped.reason()).append('\n');
            }
            return out.toString();
        }
    }

    private static String title(Hdf5Stream stream) {
        return "stream " + stream.stream() + (stream.group().equals(stream.stream()) ? "" : " (group " + stream.group() + ")");
    }

    private static void appendAttributes(StringBuilder out, String indent, Map<String, Object> attributes) {
        int width = attributes.keySet().stream().mapToInt(String::length).max().orElse(0);
        attributes.forEach((key, value) -> out.append(indent).append(String.format("%-" + width + "s = ", key))
                .append(value).append('\n'));
    }

    private static String joined(Map<String, Object> values) {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    /** A field's type in the short words h5py and pyarrow users know: {@code uint16}, {@code timestamp[us, UTC]}. */
    private static String typeName(Field field) {
        ArrowType type = field.getType();
        if (type instanceof FixedShapeTensorType tensor) {
            return "tensor " + shape(tensor) + " " + typeName(field.getChildren().get(0));
        }
        if (type instanceof ArrowType.Int integer) {
            return (integer.getIsSigned() ? "int" : "uint") + integer.getBitWidth();
        }
        if (type instanceof ArrowType.FloatingPoint floating) {
            return switch (floating.getPrecision()) {
                case HALF -> "float16";
                case SINGLE -> "float32";
                case DOUBLE -> "float64";
            };
        }
        if (type instanceof ArrowType.Timestamp timestamp) {
            return "timestamp[" + timestamp.getUnit().name().toLowerCase(Locale.ROOT)
                    + (timestamp.getTimezone() == null ? "" : ", " + timestamp.getTimezone()) + "]";
        }
        return type.toString().toLowerCase(Locale.ROOT);
    }

    /** A tensor's shape as {@code [H×W]}. */
    private static String shape(FixedShapeTensorType tensor) {
        return Arrays.stream(tensor.shape()).mapToObj(Long::toString).collect(Collectors.joining("×", "[", "]"));
    }

    /**
     * One value as text: a frame as its shape and type ({@code [480×640 uint16]}), a timestamp as an
     * instant, unsigned integers unsigned; long texts are cut.
     */
    private static String cell(Field field, FieldVector vector, int row) {
        String text;
        if (field.getType() instanceof FixedShapeTensorType tensor) {
            text = shape(tensor).replace("]", " " + typeName(field.getChildren().get(0)) + "]");
        } else if (vector instanceof TimeStampVector timestamps) {
            text = instant(timestamps.get(row), ((ArrowType.Timestamp) field.getType()).getUnit()).toString();
        } else if (field.getName().equals(StreamSchemas.TIMESTAMP_NS) && vector instanceof BaseIntVector ns) {
            text = Instant.ofEpochSecond(0, ns.getValueAsLong(row)).toString();
        } else if (vector instanceof UInt8Vector uint64) {
            text = uint64.getObjectNoOverflow(row).toString();
        } else if (vector instanceof BaseIntVector integers) {
            text = Long.toString(integers.getValueAsLong(row)); // unsigned for uint8 to uint32
        } else if (vector instanceof Float2Vector halves) {
            text = Float.toString((float) halves.getValueAsDouble(row));
        } else {
            text = String.valueOf(vector.getObject(row));
        }
        return text.length() <= MAX_CELL ? text : text.substring(0, MAX_CELL - 1) + "…";
    }

    private static Instant instant(long value, TimeUnit unit) {
        return switch (unit) {
            case SECOND -> Instant.ofEpochSecond(value);
            case MILLISECOND -> Instant.ofEpochMilli(value);
            case MICROSECOND -> Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1000);
            case NANOSECOND -> Instant.ofEpochSecond(0, value);
        };
    }

    /** A text table whose columns are as wide as their widest cell. */
    private static final class Table {

        private final List<String[]> rows = new ArrayList<>();

        Table(String... headers) {
            rows.add(headers);
        }

        void row(Object... cells) {
            rows.add(Arrays.stream(cells).map(String::valueOf).toArray(String[]::new));
        }

        void appendTo(StringBuilder out, String indent) {
            int[] widths = new int[rows.get(0).length];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder(indent);
                for (int i = 0; i < row.length; i++) {
                    line.append(String.format("%-" + widths[i] + "s", row[i])).append(i < row.length - 1 ? "  " : "");
                }
                out.append(line.toString().stripTrailing()).append('\n');
            }
        }
    }
}
