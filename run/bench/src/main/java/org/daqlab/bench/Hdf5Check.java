package org.daqlab.bench;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Runs h5_check.py on a file a contender wrote: the same values as exported, in the same chunks.
 * Without it a contender that wrote wrong or fewer bytes would just look fast.
 */
final class Hdf5Check {

    private Hdf5Check() {
    }

    /**
     * @param scripts the directory of the Python scripts
     * @throws IOException if the file differs (the script's message is on standard error)
     */
    static void check(String python, Path scripts, Path manifest, Path file) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(python, scripts.resolve("h5_check.py").toString(), manifest.toString(),
                file.toString()).inheritIO().start();
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IOException(file + " does not hold the workload's data as exported to " + manifest + " (exit " + exit + ")");
        }
    }
}
