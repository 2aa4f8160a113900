package org.daqlab.bench;

import java.nio.file.Path;

/** One way of writing a {@link Workload} to a file in {@link Hdf5WriteBench}. */
interface Contender {

    /** The name in the report, e.g. {@code daqlab deflate}. */
    String label();

    /**
     * Writes {@code workload} to {@code file} (which does not exist), timed from opening the file to
     * the closed, fsynced file.
     */
    Written write(Workload workload, Path file) throws Exception;

    /** Whether the file is HDF5 (and checked with {@link Hdf5Check} after the warm-up). */
    default boolean writesHdf5() {
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
