package org.daqlab.core.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Hands out file-name versions so that two writers starting the same run in the same directory
 * never pick the same {@code {version}}: a version counts as taken when a file uses it or another
 * writer of this platform reserved it.
 */
final class OutputNames {

    private final Set<String> reserved = new HashSet<>();

    synchronized int reserveVersion(Path directory, FileNameTemplate template, Map<String, String> runValues,
            String format) throws IOException {
        int version = template.firstFreeVersion(directory, runValues);
        // Writers of different formats never clash on names; the same format in one directory does.
        while (!reserved.add(directory.toAbsolutePath() + "|" + template + "|" + runValues + "|" + format + "|" + version)) {
            version++;
        }
        return version;
    }
}
