package org.daqlab.bench;

import org.apache.arrow.memory.BufferAllocator;
import org.daqlab.writer.arrow.internal.ArrowBenchAccess;

import java.nio.file.Path;

/**
 * daqlab's Arrow IPC writer as the core drives it: open a segment, describe the stream, write every
 * batch, close (end marker, footer), then an fsync of the file, which the core's rename would
 * otherwise leave to the kernel. Phases reported: the writes, the close, the fsync.
 */
final class DaqlabArrowWrite implements Contender {

    private final String label;
    private final String format;
    private final String compression;
    private final int level;
    private final int batchRows;
    private final BufferAllocator allocator;

    /** @param batchRows the writer's {@code batch_rows}: 0 writes each batch as it comes */
    DaqlabArrowWrite(String label, String format, String compression, int level, int batchRows, BufferAllocator allocator) {
        this.label = label;
        this.format = format;
        this.compression = compression;
        this.level = level;
        this.batchRows = batchRows;
        this.allocator = allocator;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public Written write(Workload workload, Path file) throws Exception {
        return TimedSegment.write(workload, file, allocator, context -> ArrowBenchAccess.open(context, format, compression, level, batchRows));
    }
}
