package org.daqlab.bench;

import org.apache.arrow.memory.BufferAllocator;
import org.daqlab.writer.parquet.internal.ParquetBenchAccess;

import java.nio.file.Path;

/**
 * daqlab's Parquet writer as the core drives it: open a segment, describe the stream, write every
 * batch, close (the last part, the file's footer, an fsync), then an fsync of the file as the core
 * does before its rename. Phases reported: the writes (encoding, compression and the row groups that
 * fill meanwhile), the close, the fsync. The writer uses the calling thread only.
 */
final class DaqlabParquetWrite implements Contender {

    private final String label;
    private final String compression;
    private final BufferAllocator allocator;

    DaqlabParquetWrite(String label, String compression, BufferAllocator allocator) {
        this.label = label;
        this.compression = compression;
        this.allocator = allocator;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public Written write(Workload workload, Path file) throws Exception {
        return TimedSegment.write(workload, file, allocator, context -> // the writer's defaults: level 3 for zstd, row groups of 64 MiB, pages of 1 MiB, no byte-stream split
                ParquetBenchAccess.open(context, compression, 0, 64, 1024, false));
    }
}
