package org.daqlab.writer.hdf5.internal;

import org.daqlab.api.storage.Leftovers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Completes the files of segments that never closed (the JVM was killed, the machine lost power):
 * each {@code <name>.h5.part} with a {@code .journal} beside it that no live writer holds (in this JVM:
 * {@link LiveSegments}; in another process: the lock on the journal)
 * is built from its journal exactly as a normal close would, and renamed to {@code <name>.h5}.
 * Everything flushed before the crash is in it; the log and the writer's status say what was recovered.
 * Nothing is deleted unless the file was built: a journal that cannot be used stays with its data
 * and is reported.
 */
final class JournalRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(JournalRecovery.class);
    private static final String DATA_SUFFIX = ".h5.part";
    /** Checking a crashed file's chunks reads all of it: the log shows how far it got every this many bytes. */
    private static final long PROGRESS_STEP = 1L << 30;

    private JournalRecovery() {
    }

    /** The data files left in {@code directory} with a journal. */
    static List<Path> leftovers(Path directory) throws IOException {
        return Leftovers.find(directory, "*" + DATA_SUFFIX + Journal.SUFFIX, journal -> {
            String name = journal.getFileName().toString();
            return journal.resolveSibling(name.substring(0, name.length() - Journal.SUFFIX.length()));
        });
    }

    /** Recovers every leftover of {@code directory} in the background, reporting each outcome to {@code report}. */
    static void recoverAll(Path directory, java.util.concurrent.Executor background, Consumer<String> report) {
        Leftovers.recoverInBackground("HDF5 file", directory, JournalRecovery::leftovers,
                JournalRecovery::recover, "the data file and journal are kept untouched", background, report);
    }

    /**
     * Builds and renames one leftover.
     *
     * @return what was recovered, or {@code null} if a live writer owns the file
     * @throws IOException if it cannot be recovered (nothing is deleted then)
     */
    static String recover(Path data) throws IOException {
        Path journal = Journal.of(data);
        if (!Files.exists(data)) {
            throw new IOException("the journal " + journal + " has no data file " + data.getFileName());
        }
        if (LiveSegments.isLive(data)) {
            return null; // written by this JVM: not even opened, see LiveSegments
        }
        try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.WRITE);
             FileLock lock = tryLock(channel)) {
            if (lock == null) {
                return null; // a writer in another process holds it
            }
            SegmentModel model = SegmentModel.replay(journal);
            Hdf5FileBuilder builder = new Hdf5FileBuilder(model, data, journal);
            long total = builder.chunkBytes();
            long dropped = builder.verifyChunks(PROGRESS_STEP, done -> LOG.info("recovering {}: checked {} of {} MB of chunks",
                    data, done / 1_000_000, total / 1_000_000));
            Hdf5FileBuilder.Result result = builder.build();
            Path target = finalName(data);
            Files.move(data, target, StandardCopyOption.ATOMIC_MOVE);
            Files.delete(journal);
            return describe(target, model, result, dropped);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException beingRecoveredHere) {
            return null; // another writer instance of this JVM is recovering the same directory
        }
    }

    /** {@code x.h5.part} becomes {@code x.h5}, or {@code x.recovered.h5} if that exists. */
    private static Path finalName(Path data) {
        String name = data.getFileName().toString();
        String base = name.substring(0, name.length() - ".part".length());
        Path target = data.resolveSibling(base);
        for (int n = 1; Files.exists(target); n++) {
            target = data.resolveSibling(base.substring(0, base.length() - 3) + ".recovered" + (n > 1 ? n : "") + ".h5");
        }
        return target;
    }

    private static String describe(Path target, SegmentModel model, Hdf5FileBuilder.Result result, long dropped) {
        StringBuilder text = new StringBuilder("recovered ").append(target.getFileName())
                .append(" from the journal of a segment that did not close (run '").append(model.header.runName())
                .append("', segment ").append(model.header.segment()).append("): ");
        List<String> streams = new ArrayList<>();
        for (Map.Entry<String, Long> e : result.rowsByGroup().entrySet()) {
            streams.add(e.getKey() + " " + e.getValue() + " rows");
        }
        text.append(String.join(", ", streams));
        text.append(model.flushes == 0 ? "; no flush had completed"
                : "; last flush at " + Instant.ofEpochSecond(0, model.lastFlushNs));
        if (!model.replay.complete()) {
            text.append("; the journal ends early (").append(model.replay.stoppedBecause()).append(')');
        }
        if (dropped > 0) {
            text.append("; ").append(dropped).append(" chunk(s) did not match their checksum (not completely on disk, or damaged)"
                    + " and were left out with every later row of their stream");
        }
        return text.toString();
    }
}
