package org.daqlab.writer.hdf5.internal;

import org.daqlab.api.storage.TestRunContext;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.storage.RunWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A segment written by the real HDF5 writer in this JVM ({@code run_s1.h5.part} in a directory),
 * with the power and ADC streams of {@link TestBatches} described. {@link #crashCopy} snapshots its
 * files as a crash would leave them; {@link #close} ends the segment and stops the writer.
 */
final class LiveSegment implements AutoCloseable {

    final BufferAllocator allocator = new RootAllocator();
    final TestRunContext context;
    final RunWriter run;
    private final Hdf5StorageWriter writer;
    private boolean closed;

    LiveSegment(Path directory, Map<String, Object> config) throws IOException {
        Files.createDirectories(directory); // the core creates output directories, not the writer
        writer = TestConfigs.hdf5StorageWriter(config);
        context = new TestRunContext(directory, Hdf5RunWriterTest.RUN, 1, allocator);
        run = writer.open(context);
        run.describe(TestBatches.POWER);
        run.describe(TestBatches.ADC);
    }

    /** The segment's data file. */
    Path dataFile() {
        return context.path(null, "h5");
    }

    void power(long first, int rows) throws IOException {
        write(TestBatches.POWER.stream(), TestBatches.power(allocator, first, rows));
    }

    void adc(long first, int rows) throws IOException {
        write(TestBatches.ADC.stream(), TestBatches.adc(allocator, first, rows));
    }

    void write(String stream, VectorSchemaRoot batch) throws IOException {
        try (batch) {
            run.write(stream, batch);
        }
    }

    /** Copies the data file and journal into {@code directory} as they are now. */
    Path crashCopy(Path directory) throws IOException {
        return Leftovers.copy(dataFile(), directory);
    }

    /** Ends the segment as a run stop does (unless a test already closed it) and stops the writer. */
    @Override
    public void close() throws Exception {
        try {
            if (!closed) {
                closed = true;
                run.close(Hdf5RunWriterTest.STOP);
            }
        } finally {
            writer.deactivate();
            allocator.close();
        }
    }

    /** Closes the segment now, as the core does after a failure ({@code close(null)}). */
    void closeAfterFailure() throws IOException {
        closed = true;
        run.close(null);
    }
}
