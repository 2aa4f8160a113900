package org.daqlab.core.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OutputNamesTest {

    private static final long START_NS = 1_769_351_565_123_456_789L;
    private static final String UID = "6f1c2a4e-0d7b-4c39-9a53-2f7e8b1d0c55";

    private final OutputNames names = new OutputNames();
    private final FileNameTemplate template = new FileNameTemplate(FileNameTemplate.DEFAULT);

    @TempDir
    Path dir;

    @Test
    void twoWritersOfOneFormatInOneDirectoryGetDifferentVersionsBeforeEitherCreatedAFile() throws Exception {
        // e.g. "csv" and "csv-archive" with the default template: without {writer} their names would be equal
        assertEquals(1, names.reserveVersion(dir, template, run("csv"), "csv"));
        assertEquals(2, names.reserveVersion(dir, template, run("csv-archive"), "csv"));
    }

    @Test
    void writersOfDifferentFormatsShareAVersion() throws Exception {
        assertEquals(1, names.reserveVersion(dir, template, run("csv"), "csv"));
        assertEquals(1, names.reserveVersion(dir, template, run("hdf5"), "h5"));
    }

    @Test
    void writersNamedByTheTemplateEachStartAtTheFirstVersion() throws Exception {
        FileNameTemplate perWriter = new FileNameTemplate("{experiment}_{writer}_{version}.{ext}");
        assertEquals(1, names.reserveVersion(dir, perWriter, run("csv"), "csv"));
        assertEquals(1, names.reserveVersion(dir, perWriter, run("csv-archive"), "csv"));
    }

    private static Map<String, String> run(String writer) {
        return FileNameTemplate.runValues("wavelength_scan", UID, START_NS, writer);
    }
}
