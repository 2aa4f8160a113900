package org.daqlab.api.storage;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * The words writers use for a failed file operation, so that every writer's error names the cause
 * and the fix alike. The JDK's messages of file errors are a path and a reason, or a bare reason
 * ("No space left on device"); writers put the file and the stream around {@link #reason}.
 */
public final class StorageErrors {

    private StorageErrors() {
    }

    /** The cause of {@code e} for people: "permission denied", the file system's reason, or the message. */
    public static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** The fix for a file that could not be created or written, to append to a message: {@code ". Fix: …"}. */
    public static String fix(Path file) {
        return ". Fix: free space on or make writable " + file.toAbsolutePath().getParent()
                + ", or set output_dir of this writer to another directory";
    }

    /**
     * Runs steps that must all be tried (closing every file of a segment) and keeps the first
     * failure, the later ones suppressed by it.
     */
    public static final class Failures {
        private IOException first;

        /** A step that may fail. */
        @FunctionalInterface
        public interface Step {
            void run() throws IOException;
        }

        /** Runs {@code step}, keeping its failure. */
        public void run(Step step) {
            try {
                step.run();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }

        /** @throws IOException the first failure, if any step failed */
        public void throwFirst() throws IOException {
            if (first != null) {
                throw first;
            }
        }
    }
}
