package org.daqlab.bench;

import org.apache.arrow.vector.VectorSchemaRoot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The speed limit of the file system: the workload's column values, batch by batch, gathered into
 * a 4 MiB direct buffer that is written with one {@link FileChannel#write} whenever it is full, then
 * an fsync. No format, no compression, no per-column files: the bytes an uncompressed file (HDF5, Arrow) must
 * hold at the least, written as cheaply as Java can.
 */
final class RawSequentialWrite implements Contender {

    private static final int WRITE_BYTES = 4 << 20;

    private final ByteBuffer buffer = ByteBuffer.allocateDirect(WRITE_BYTES);

    @Override
    public String label() {
        return "raw FileChannel";
    }

    @Override
    public boolean writesFormat() {
        return false;
    }

    @Override
    public Written write(Workload workload, Path file) throws IOException {
        long cpu = ProcessCpu.nanos();
        long start = System.nanoTime();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            buffer.clear();
            for (VectorSchemaRoot batch : workload.batches()) {
                for (int c = 0; c < batch.getFieldVectors().size(); c++) {
                    ByteBuffer values = Workload.values(batch, c);
                    while (values.hasRemaining()) {
                        int n = Math.min(values.remaining(), buffer.remaining());
                        buffer.put(values.slice(values.position(), n));
                        values.position(values.position() + n);
                        if (!buffer.hasRemaining()) {
                            drain(channel);
                        }
                    }
                }
            }
            drain(channel);
            channel.force(true);
        }
        return new Written((System.nanoTime() - start) / 1e9, (ProcessCpu.nanos() - cpu) / 1e9, Files.size(file), "");
    }

    private void drain(FileChannel channel) throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }
}
