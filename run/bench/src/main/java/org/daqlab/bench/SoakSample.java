package org.daqlab.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What the platform looked like at one moment of a soak: counters from the console's status JSON and the process's
 * memory and open files from {@code /proc}.
 *
 * @param seconds        seconds since the soak's run started
 * @param published      rows each instrument published so far (its own counter, since it started)
 * @param writers        each writer's counters
 * @param ringFill       share of the ring in use, 0–1
 * @param ringBytes      bytes published into the ring so far
 * @param ringLost       records the ring's readers lost so far (all readers)
 * @param blockTimeouts  producers that gave up waiting in BLOCK mode
 * @param heapUsed       heap in use, bytes
 * @param heapCommitted  heap committed, bytes
 * @param directBytes    direct ByteBuffers, bytes (Arrow's Netty memory is in the RSS only)
 * @param threads        live threads of the JVM
 * @param rssBytes       resident set size ({@code VmRSS}), bytes: with the pages of the ring file that were touched,
 *                       up to its capacity
 * @param anonBytes      the anonymous part of it ({@code RssAnon}): heap, direct and native memory, code; without
 *                       the pages of mapped files, the ring's among them
 * @param openFiles      open file descriptors
 */
record SoakSample(double seconds, Map<String, Long> published, Map<String, Writer> writers, double ringFill, long ringBytes,
        long ringLost, long blockTimeouts, long heapUsed, long heapCommitted, long directBytes, int threads, long rssBytes,
        long anonBytes, int openFiles) {

    /**
     * One writer's counters.
     *
     * @param state        RUNNING, WRITING, FAILED, …
     * @param rows         rows written
     * @param bytesWritten bytes on disk
     * @param lagBytes     how far its ring cursor is behind the newest record
     * @param lost         records lost in the ring plus records not written
     * @param lastError    its last error, or null
     */
    record Writer(String state, long rows, long bytesWritten, long lagBytes, long lost, String lastError) {
    }

    /** The platform's JVM process id, from the status's {@code jvm} section. */
    static long pid(JsonNode status) {
        return status.path("jvm").path("pid").asLong(-1);
    }

    static SoakSample of(JsonNode status, double seconds) {
        Map<String, Long> published = new TreeMap<>();
        for (JsonNode instrument : status.path("instruments")) {
            published.put(instrument.path("id").asText(), instrument.path("rows").asLong());
        }
        Map<String, Writer> writers = new TreeMap<>();
        for (JsonNode w : status.path("writers")) {
            writers.put(w.path("name").asText(), new Writer(w.path("state").asText(), w.path("rows").asLong(),
                    w.path("bytes_written").asLong(), w.path("lag_bytes").asLong(),
                    w.path("records_lost").asLong() + w.path("records_not_written").asLong(),
                    w.path("last_error").isNull() ? null : w.path("last_error").asText(null)));
        }
        JsonNode ring = status.path("ring");
        JsonNode jvm = status.path("jvm");
        long pid = pid(status);
        return new SoakSample(seconds, published, writers, ring.path("fill").asDouble(), ring.path("bytes_published").asLong(),
                ring.path("records_lost").asLong(), ring.path("block_timeouts").asLong(),
                jvm.path("heap_used_bytes").asLong(), jvm.path("heap_committed_bytes").asLong(),
                jvm.path("direct_buffers_bytes").asLong(), jvm.path("threads").asInt(), memory(pid, "VmRSS:"),
                memory(pid, "RssAnon:"), openFiles(pid));
    }

    /** A field ({@code VmRSS:}, {@code RssAnon:}) of {@code /proc/<pid>/status}, bytes; -1 where there is no /proc. */
    static long memory(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException gone) {
            // the process exited, or this is no Linux
        }
        return -1;
    }

    /** Entries of {@code /proc/<pid>/fd}; -1 where there is no /proc. */
    static int openFiles(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) fds.count();
        } catch (IOException gone) {
            return -1;
        }
    }

    /** The largest lag of any writer, bytes. */
    long maxLag() {
        return writers.values().stream().mapToLong(Writer::lagBytes).max().orElse(0);
    }

    /** Records lost by all writers (ring losses and records not written). */
    long writersLost() {
        return writers.values().stream().mapToLong(Writer::lost).sum();
    }
}
