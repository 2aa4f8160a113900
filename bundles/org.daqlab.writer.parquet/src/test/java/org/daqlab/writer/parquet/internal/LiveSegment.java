package org.daqlab.writer.parquet.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A segment written by the real Parquet writer in this JVM, through {@link TestRunContext}: files
 * are {@code <stream>_s1.parquet.part} in a directory (the test context renames nothing). {@link #close}
 * ends the segment and stops the writer.
 */
final class LiveSegment implements AutoCloseable {

    final BufferAllocator allocator = new RootAllocator();
    final TestRunContext context;
    final RunWriter run;
    private final ParquetStorageWriter writer;
    private boolean closed;

    LiveSegment(Path directory, Map<String, Object> config, StreamDescriptor... streams) throws IOException {
        Files.createDirectories(directory); // the core creates output directories, not the writer
        writer = TestConfigs.writer(config, allocator);
        context = new TestRunContext(directory, TestBatches.RUN, 1, allocator);
        run = writer.open(context);
        for (StreamDescriptor stream : streams) {
            run.describe(stream);
        }
    }

    /** The file of {@code stream} (its temporary name, which the test context keeps). */
    Path file(String stream) {
        return context.path(stream, "parquet");
    }

    void power(long first, int rows) throws IOException {
        write(TestBatches.POWER.stream(), TestBatches.power(allocator, first, rows));
    }

    void adc(long first, int rows) throws IOException {
        write(TestBatches.ADC.stream(), TestBatches.adc(allocator, first, rows));
    }

    void camera(long first, int frames) throws IOException {
        write(TestBatches.CAMERA.stream(), TestBatches.camera(allocator, first, frames));
    }

    void write(String stream, VectorSchemaRoot batch) throws IOException {
        try (batch) {
            run.write(stream, batch);
        }
    }

    /** Ends the segment as a run stop does (unless a test already closed it) and stops the writer. */
    @Override
    public void close() throws Exception {
        try {
            if (!closed) {
                closed = true;
                run.close(TestBatches.STOP);
            }
        } finally {
            writer.deactivate();
            allocator.close();
        }
    }

    /** Closes the segment now, as the core does at a run stop (or with {@code null} after a failure). */
    void closeSegment(org.daqlab.api.run.RunStop stop) throws IOException {
        closed = true;
        run.close(stop);
    }
}
