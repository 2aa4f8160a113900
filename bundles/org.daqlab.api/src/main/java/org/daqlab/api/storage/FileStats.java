package org.daqlab.api.storage;

/**
 * A file a writer completed.
 *
 * @param path   final path
 * @param stream stream it holds, or {@code null} for a multi-stream file
 * @param rows   rows written into it
 * @param bytes  size on disk
 */
public record FileStats(String path, String stream, long rows, long bytes) {
}
