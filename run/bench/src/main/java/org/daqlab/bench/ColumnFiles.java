package org.daqlab.bench;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Hands a {@link Workload} to h5py_write.py: each column's values as a raw little-endian file
 * ({@code numpy.fromfile} reads it) and a JSON manifest naming the stream, the rows, the batch size
 * and, per column, its file, numpy dtype, row shape and rows per chunk.
 */
final class ColumnFiles {

    private ColumnFiles() {
    }

    /** Writes the column files and the manifest into {@code directory}; returns the manifest. */
    static Path export(Workload workload, Chunking chunking, Path directory) throws IOException {
        List<String> columns = new ArrayList<>();
        List<Field> fields = workload.descriptor().schema().getFields();
        for (int c = 0; c < fields.size(); c++) {
            Field field = fields.get(c);
            String file = workload.name() + "." + field.getName() + ".raw";
            try (FileChannel channel = FileChannel.open(directory.resolve(file), StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                for (VectorSchemaRoot batch : workload.batches()) {
                    ByteBuffer values = Workload.values(batch, c);
                    while (values.hasRemaining()) {
                        channel.write(values);
                    }
                }
            }
            columns.add(String.format("{\"name\": \"%s\", \"dtype\": \"%s\", \"shape\": %s, \"chunk_rows\": %d, \"file\": \"%s\"}",
                    field.getName(), Workload.numpyDtype(field), Arrays.toString(Workload.rowShape(field)),
                    chunking.rowsPerChunk(field), file));
        }
        String manifest = String.format("{\"stream\": \"%s\", \"rows\": %d, \"batch_rows\": %d, \"columns\": [%n  %s%n]}%n",
                workload.descriptor().stream(), workload.rows(), workload.batchRows(),
                columns.stream().collect(Collectors.joining(",\n  ")));
        return Files.writeString(directory.resolve(workload.name() + ".json"), manifest);
    }
}
