package org.daqlab.bench;

import java.nio.file.Path;

/** One way of writing a {@link Workload} to a file in a write benchmark ({@link Hdf5WriteBench}, {@link ArrowWriteBench}). */
interface Contender {

    /** The name in the report, e.g. {@code daqlab deflate}. */
    String label();

    /**
     * Writes {@code workload} to {@code file} (which does not exist), timed from opening the file to
     * the closed, fsynced file.
     */
    Written write(Workload workload, Path file) throws Exception;

    /** Whether the file is in the benchmark's format (HDF5, Arrow IPC), and so checked after the warm-up. */
    default boolean writesFormat() {
        return true;
    }

    /**
     * What one write took.
     *
     * @param seconds    from opening to the closed, fsynced file
     * @param cpuSeconds CPU time of the writing process in that time, all its threads: what the write costs
     *                   whatever share of the processors the machine's other work leaves it
     * @param fileBytes  the file's size
     * @param phases     where the time went, when the contender can tell (else empty)
     */
    record Written(double seconds, double cpuSeconds, long fileBytes, String phases) {
    }
}
