package org.daqlab.bench;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compare.VectorEqualsVisitor;
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
 * compares every batch with the workload's, column by column. Without it a contender that wrote
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
            int batch = 0;
            while (reader.loadNextBatch()) {
                if (batch == workload.batches().size()) {
                    throw new IOException(file + " has more batches than the workload's " + batch);
                }
                VectorSchemaRoot expected = workload.batches().get(batch);
                if (read.getRowCount() != expected.getRowCount()) {
                    throw new IOException(file + " batch " + batch + ": " + read.getRowCount() + " rows, written "
                            + expected.getRowCount());
                }
                for (int c = 0; c < expected.getFieldVectors().size(); c++) {
                    if (!VectorEqualsVisitor.vectorEquals(expected.getVector(c), read.getVector(c))) {
                        throw new IOException(file + " batch " + batch + " column " + expected.getVector(c).getName()
                                + " differs from what was written");
                    }
                }
                batch++;
            }
            if (batch != workload.batches().size()) {
                throw new IOException(file + " has " + batch + " batches, written " + workload.batches().size());
            }
        }
    }
}
