package org.daqlab.writer.hdf5.internal;

import org.daqlab.api.storage.Tmpfs;
import org.daqlab.api.storage.TestRunContext;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Opening a segment where no file can be created fails at once with an IOException that names the
 * file and says how to fix it, rather than a bare "Permission denied" later in the run.
 */
class UnwritableOutputTest {

    @TempDir
    Path dir;
    private Tmpfs readOnly;

    @AfterEach
    void unmount() throws Exception {
        if (readOnly != null) {
            readOnly.close();
        }
    }

    @Test
    void openInAReadOnlyDirectoryFailsNamingTheFileAndTheFix() throws Exception {
        Path output = dir.resolve("read-only");
        Files.createDirectories(output);
        Files.setPosixFilePermissions(output, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (canCreateFileIn(output)) {
            // root ignores mode bits: a read-only mount refuses writes to root too
            StringBuilder why = new StringBuilder();
            readOnly = Tmpfs.mount(output, "ro,size=1m", why);
            assumeTrue(readOnly != null, "chmod 555 does not stop this user (root) and " + why
                    + "; the test that puts the output below a regular file covers the same path");
        }
        assertOpenFailsNamingTheFileAndTheFix(output);
    }

    @Test
    void openWhereTheOutputDirectoryIsARegularFileFailsNamingTheFileAndTheFix() throws Exception {
        // works for every user, root included: no directory entry can be made below a regular file
        Path notADirectory = Files.writeString(dir.resolve("output"), "a file where the output directory should be");
        assertOpenFailsNamingTheFileAndTheFix(notADirectory);
    }

    private void assertOpenFailsNamingTheFileAndTheFix(Path output) throws Exception {
        Hdf5StorageWriter writer = TestConfigs.hdf5StorageWriter(Map.of());
        try (RootAllocator allocator = new RootAllocator()) {
            TestRunContext context = new TestRunContext(output, Hdf5RunWriterTest.RUN, 1, allocator);

            IOException e = assertThrows(IOException.class, () -> writer.open(context));

            Path file = output.resolve("run_s1.h5.part");
            assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
            assertTrue(e.getMessage().contains("output_dir"), "says how to fix it: " + e.getMessage());
        } finally {
            writer.deactivate();
        }
    }

    private static boolean canCreateFileIn(Path directory) {
        try {
            Files.delete(Files.createFile(directory.resolve("probe")));
            return true;
        } catch (IOException denied) {
            return false;
        }
    }
}
