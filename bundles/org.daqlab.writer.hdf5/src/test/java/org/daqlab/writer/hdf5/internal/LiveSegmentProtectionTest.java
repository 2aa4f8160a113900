package org.daqlab.writer.hdf5.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A segment being written must stay out of recovery's reach, in this JVM and in another process,
 * also after the core synced its data file: the core opens and closes the data file at every
 * flush, and on Linux closing any channel of a file releases every lock the process holds on it.
 */
class LiveSegmentProtectionTest {

    /** Tries to take the journal's lock from another process (Python's fcntl: the same POSIX record lock as Java's). */
    private static final String TRY_LOCK = """
            import fcntl, sys
            with open(sys.argv[1], 'r+b') as f:
                try:
                    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    print('locked')
                except OSError:
                    print('refused')
            """;

    @TempDir
    Path dir;

    @Test
    void aLiveSegmentIsLeftAloneAfterTheCoreSyncedItsDataFile() throws Exception {
        try (LiveSegment live = new LiveSegment(dir, Map.of("chunk__rows", 1000))) {
            live.power(0, 1500);
            live.run.flush();
            try (FileChannel sync = FileChannel.open(live.dataFile(), StandardOpenOption.WRITE)) {
                sync.force(true); // what the core's Segment.sync does after a flush
            }

            assertNull(JournalRecovery.recover(live.dataFile()), "recovery in this JVM skips a live segment");
            assertEquals("refused", tryLockFromAnotherProcess(Journal.of(live.dataFile())),
                    "another process cannot take a live segment's journal");
            assertTrue(Files.exists(Journal.of(live.dataFile())), "the live segment's journal is untouched");

            live.power(1500, 500);
        }
        // built at close, journal deleted (the core, not the writer, renames the file)
        assertEquals(List.of("run_s1.h5.part"), Files.list(dir).map(p -> p.getFileName().toString()).sorted().toList(),
                "the segment closed normally after the recovery attempt");
    }

    private static String tryLockFromAnotherProcess(Path file) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", TRY_LOCK, file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        return out;
    }
}
