package org.daqlab.bench;

import org.apache.arrow.memory.BufferAllocator;
import org.daqlab.writer.tiff.internal.TiffBenchAccess;

import java.nio.file.Path;

/**
 * daqlab's TIFF writer as the core drives it: open a segment, describe the stream, write every
 * batch, close (pages still being compressed, the final ImageJ count and metadata), then an fsync of
 * the file, which the core's rename would otherwise leave to the kernel. The compression workers
 * belong to the contender, as they belong to a writer instance, and outlive its segments. Phases
 * reported: the writes, the close, the fsync.
 */
final class DaqlabTiffWrite implements Contender, AutoCloseable {

    private final String label;
    private final TiffBenchAccess writer;
    private final BufferAllocator allocator;

    DaqlabTiffWrite(String label, String compression, int level, boolean predictor, int threads, BufferAllocator allocator) {
        this.label = label;
        this.writer = new TiffBenchAccess(compression, level, predictor, threads);
        this.allocator = allocator;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public Written write(Workload workload, Path file) throws Exception {
        return TimedSegment.write(workload, file, allocator, writer::open);
    }

    @Override
    public void close() throws InterruptedException {
        writer.close();
    }
}
