package org.daqlab.writer.hdf5.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The files a segment that never closed leaves behind ({@code x.h5.part} and its journal), and ways to
 * damage them as a crash or a failing disk would.
 */
final class Leftovers {

    /** One journal record: its kind and the bytes {@code [start, end)} it spans (length, kind, payload, CRC). */
    record JournalRecord(Journal.Kind kind, long start, long end) {
    }

    private Leftovers() {
    }

    /**
     * Copies a live segment's data file and journal into {@code directory}, as they would be on disk
     * if the process died now. The copy is not locked by the writer, so recovery treats it as a crash.
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

    /** Every intact record of a journal, in order. */
    static List<JournalRecord> records(Path journal) throws IOException {
        List<JournalRecord> records = new ArrayList<>();
        Journal.replay(journal, (kind, payload, payloadOffset) ->
                records.add(new JournalRecord(kind, payloadOffset - 5, payloadOffset + payload.remaining() + 4)));
        return records;
    }

    /** Cuts {@code file} to its first {@code size} bytes. */
    static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    /** Flips every bit of {@code length} bytes at {@code offset}. */
    static void corrupt(Path file, long offset, int length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.allocate(length);
            Journal.readFully(channel, bytes, offset);
            for (int i = 0; i < length; i++) {
                bytes.put(i, (byte) ~bytes.get(i));
            }
            channel.write(bytes, offset);
        }
    }
}
