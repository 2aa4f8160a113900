package org.daqlab.writer.parquet.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The files a stream file that never closed leaves behind ({@code x.parquet.part} and its journal),
 * and ways to damage them as a crash would.
 */
final class Leftovers {

    private Leftovers() {
    }

    /**
     * Copies a live stream file and its journal into {@code directory}, as they would be on disk if
     * the process died now. The copy is not locked by the writer, so recovery treats it as a crash.
     *
     * @return the copied data file
     */
    static Path copy(Path dataFile, Path directory) throws IOException {
        Files.createDirectories(directory);
        Path target = directory.resolve(dataFile.getFileName());
        Files.copy(dataFile, target);
        Files.copy(Journal.of(dataFile), Journal.of(target));
        return target;
    }

    /**
     * What the journal of stream file {@code dataFile} holds now. Reading a live writer's journal
     * from this process releases the writer's lock on it for other processes (see {@link Journal}):
     * fine in a test.
     */
    static Journal.Contents journal(Path dataFile) throws IOException {
        Path journal = Journal.of(dataFile);
        return Journal.parse(journal, Files.readAllBytes(journal));
    }

    /** Cuts {@code file} to its first {@code size} bytes. */
    static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    /** Appends {@code bytes} bytes of a pattern, as a half-written row group would leave them. */
    static void appendGarbage(Path file, int bytes) throws IOException {
        byte[] garbage = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            garbage[i] = (byte) (i * 31 + 7);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            channel.write(ByteBuffer.wrap(garbage));
        }
    }

    /** Flips every bit of the byte at {@code offset}. */
    static void corrupt(Path file, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) ~one.get(0));
            channel.write(one.rewind(), offset);
        }
    }
}
