package org.daqlab.api.storage;

import java.util.List;

/**
 * Statistics of one writer instance, since the platform started unless noted.
 *
 * @param name            writer instance name
 * @param format          format ({@code csv}, …)
 * @param state           life-cycle state
 * @param currentFiles    temporary paths of the files being written
 * @param batches         batches written
 * @param rows            rows written
 * @param bytesIn         Arrow payload bytes consumed from the ring
 * @param bytesWritten    bytes in files completed or being written (current file sizes included)
 * @param mbPerSecond     write rate over the last few seconds, MB (10^6 bytes) per second
 * @param lagBytes        how far the writer's cursor is behind the ring's head
 * @param recordsLost     records the ring overwrote before this writer read them
 * @param recordsNotWritten records read but not written because the writer had failed (or could not decode them)
 * @param lastError       last error message, or {@code null}
 * @param notices         conditions reported once by the writer
 * @param completedFiles  files completed during the current or last run
 * @param retries         times the writer tried a new segment after failing, during the current or last run
 */
public record WriterStats(
        String name,
        String format,
        WriterState state,
        List<String> currentFiles,
        long batches,
        long rows,
        long bytesIn,
        long bytesWritten,
        double mbPerSecond,
        long lagBytes,
        long recordsLost,
        long recordsNotWritten,
        String lastError,
        List<String> notices,
        List<FileStats> completedFiles,
        long retries) {

    /** Statistics without retries (as of version 1.1 of this package). */
    public WriterStats(String name, String format, WriterState state, List<String> currentFiles, long batches,
            long rows, long bytesIn, long bytesWritten, double mbPerSecond, long lagBytes, long recordsLost,
            long recordsNotWritten, String lastError, List<String> notices, List<FileStats> completedFiles) {
        this(name, format, state, currentFiles, batches, rows, bytesIn, bytesWritten, mbPerSecond, lagBytes,
                recordsLost, recordsNotWritten, lastError, notices, completedFiles, 0);
    }
}
