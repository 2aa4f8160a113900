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

    /** Whole-run file names (with the format as extension) that a version was handed out for. */
    private final Set<Path> reserved = new HashSet<>();

    synchronized int reserveVersion(Path directory, FileNameTemplate template, Map<String, String> runValues,
            String format) throws IOException {
        int version = template.firstFreeVersion(directory, runValues);
        // A version is reserved as the name it gives, not as the run's values: those include the
        // writer's name, which would let two writers of one format (csv, csv-archive) take the same
        // version although the template has no {writer} and their names are equal. Writers of
        // different formats never clash on names, as the extension differs.
        while (!reserved.add(directory.toAbsolutePath().resolve(template.fileName(runValues, version, null, 1, false, format)))) {
            version++;
        }
        return version;
    }
}
