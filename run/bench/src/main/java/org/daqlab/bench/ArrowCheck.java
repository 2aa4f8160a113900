package org.daqlab.bench;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compare.Range;
import org.apache.arrow.vector.compare.RangeEqualsVisitor;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.daqlab.writer.arrow.internal.ArrowBenchAccess;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a file a contender of {@link ArrowWriteBench} wrote with Arrow Java's own readers and
 * compares every row with the workload's, column by column. Without it a contender that wrote
 * wrong or fewer bytes would just look fast.
 */
final class ArrowCheck {

    private ArrowCheck() {
    }

    /**
     * @param file the file, in the stream or file format (told apart by the file format's leading magic)
     * @throws IOException if the file differs from the workload
     */
    static void check(Workload workload, Path file, BufferAllocator allocator) throws IOException {
        boolean fileFormat;
        try (var in = Files.newInputStream(file)) {
            fileFormat = java.util.Arrays.equals(in.readNBytes(6), "ARROW1".getBytes(StandardCharsets.US_ASCII));
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             ArrowReader reader = fileFormat ? new ArrowFileReader(channel, allocator, ArrowBenchAccess.codecs())
                     : new ArrowStreamReader(channel, allocator, ArrowBenchAccess.codecs())) {
            VectorSchemaRoot read = reader.getVectorSchemaRoot();
            // the writer may gather batches (batch_rows): rows are compared across batch boundaries
            int expectedBatch = 0;
            int expectedRow = 0;
            long row = 0;
            while (reader.loadNextBatch()) {
                int readRow = 0;
                while (readRow < read.getRowCount()) {
                    if (expectedBatch == workload.batches().size()) {
                        throw new IOException(file + " has more rows than the workload's " + row);
                    }
                    VectorSchemaRoot expected = workload.batches().get(expectedBatch);
                    int length = Math.min(expected.getRowCount() - expectedRow, read.getRowCount() - readRow);
                    for (int c = 0; c < expected.getFieldVectors().size(); c++) {
                        Range range = new Range(expectedRow, readRow, length);
                        if (!new RangeEqualsVisitor(expected.getVector(c), read.getVector(c)).rangeEquals(range)) {
                            throw new IOException(file + " rows " + row + "…" + (row + length - 1) + " of column "
                                    + expected.getVector(c).getName() + " differ from what was written");
                        }
                    }
                    readRow += length;
                    expectedRow += length;
                    row += length;
                    if (expectedRow == expected.getRowCount()) {
                        expectedBatch++;
                        expectedRow = 0;
                    }
                }
            }
            if (row != workload.rows()) {
                throw new IOException(file + " has " + row + " rows, written " + workload.rows());
            }
        }
    }
}
