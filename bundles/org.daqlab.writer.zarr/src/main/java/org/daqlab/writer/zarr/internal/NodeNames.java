package org.daqlab.writer.zarr.internal;

import java.util.HashSet;
import java.util.Set;

/**
 * Names of the children of one group (streams in the root, columns in a stream's group), made safe
 * for Zarr and for file systems: letters, digits, '_', '-' and '.' only, not starting with '.' or
 * v3's reserved "__", not a metadata file's name, and unique (a suffix {@code _2}, {@code _3}, …).
 */
final class NodeNames {

    private static final Set<String> METADATA_FILES = Set.of("zarr.json", ".zarray", ".zgroup", ".zattrs", ".zmetadata");

    private final Set<String> taken = new HashSet<>();

    /** Reserves and returns the node name for {@code wanted}. */
    String claim(String wanted) {
        String name = wanted.replaceAll("[^A-Za-z0-9_.-]", "_");
        if (name.isEmpty() || name.startsWith(".") || name.startsWith("__") || METADATA_FILES.contains(name)) {
            name = "column_" + name;
        }
        String unique = name;
        for (int n = 2; !taken.add(unique.toLowerCase(java.util.Locale.ROOT)); n++) {
            // case-insensitively: names must not clash on macOS or Windows file systems either
            unique = name + "_" + n;
        }
        return unique;
    }
}
