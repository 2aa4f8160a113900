package org.daqlab.core.internal;

import org.daqlab.api.data.StreamSchemas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileNameTemplateTest {

    private static final String UID = "6f1c2a4e-0d7b-4c39-9a53-2f7e8b1d0c55";
    /** 2026-01-25 14:32:45 local time: names use the local clock of the people who read them. */
    private static final long START_NS = StreamSchemas.timestampNs(
            LocalDateTime.of(2026, 1, 25, 14, 32, 45, 123_000_000).atZone(ZoneId.systemDefault()).toInstant());
    private static final Map<String, String> RUN = FileNameTemplate.runValues("wavelength_scan", UID, START_NS, "csv");

    private final FileNameTemplate defaultTemplate = new FileNameTemplate(null);

    @TempDir
    Path dir;

    @Test
    void defaultTemplateNamesExperimentDateTimeVersionAndExtension() {
        assertEquals(FileNameTemplate.DEFAULT, defaultTemplate.toString());
        assertEquals("wavelength_scan_2026-01-25_14-32-45_v1.h5", defaultTemplate.fileName(RUN, 1, null, 1, false, "h5"));
    }

    @Test
    void perStreamFilesGetTheStreamBeforeTheExtension() {
        assertEquals("wavelength_scan_2026-01-25_14-32-45_v2_camera0.csv",
                defaultTemplate.fileName(RUN, 2, "camera0", 1, false, "csv"));
    }

    @Test
    void rotatingWritersGetTheSegmentNumberAfterTheStream() {
        assertEquals("wavelength_scan_2026-01-25_14-32-45_v1_camera0_0003.csv",
                defaultTemplate.fileName(RUN, 1, "camera0", 3, true, "csv"));
        assertEquals("wavelength_scan_2026-01-25_14-32-45_v1_0012.h5",
                defaultTemplate.fileName(RUN, 1, null, 12, true, "h5"));
    }

    @Test
    void placeholdersInTheTemplateReplaceTheAppendedSuffixes() {
        FileNameTemplate template = new FileNameTemplate("{segment}-{stream}-{writer}-{uid}.{ext}");
        assertEquals("0002-camera0-csv-6f1c2a4e.csv", template.fileName(RUN, 1, "camera0", 2, true, "csv"));
    }

    @Test
    void firstFreeVersionSkipsVersionsThatFilesOfAnyFormatAlreadyUse() throws Exception {
        Files.createFile(dir.resolve("wavelength_scan_2026-01-25_14-32-45_v1.h5"));
        Files.createFile(dir.resolve("wavelength_scan_2026-01-25_14-32-45_v2_camera0.csv.part"));
        // same experiment at another time, and another experiment: neither takes a version of this run
        Files.createFile(dir.resolve("wavelength_scan_2026-01-25_14-32-46_v3.h5"));
        Files.createFile(dir.resolve("dark_frames_2026-01-25_14-32-45_v3.h5"));

        assertEquals(3, defaultTemplate.firstFreeVersion(dir, RUN));
        assertEquals(1, defaultTemplate.firstFreeVersion(dir.resolve("not-yet-created"), RUN));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "data/{experiment}.{ext}        | without '/', '\\' or '..'",
        "data\\{experiment}.{ext}       | without '/', '\\' or '..'",
        "..{experiment}.{ext}           | without '/', '\\' or '..'",
        "{experiment}_{operator}.{ext}  | unknown placeholder {operator}",
        "{experiment}_{version}.csv     | lacks {ext}",
    })
    void unusableTemplatesAreRejectedNamingTheProblem(String template, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FileNameTemplate(template));
        assertTrue(e.getMessage().contains("file_name_template '" + template + "'"), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "..", ".", "/absolute/path", "a\\b", "nul\0byte", "~root/.ssh", "spaces and: colons"})
    void hostileExperimentNamesStayOneFileInTheOutputDirectory(String experiment) throws Exception {
        String name = defaultTemplate.fileName(FileNameTemplate.runValues(experiment, UID, START_NS, "../writer"), 1,
                "camera0", 1, false, "csv");

        assertFalse(name.contains("/") || name.contains("\\") || name.contains("\0"), name);
        assertFalse(name.startsWith("."), "a hidden file is easy to overlook: " + name);
        Path file = dir.resolve(name);
        assertEquals(dir, file.normalize().getParent(), name);
        Files.createFile(file); // a valid file name on this file system
        assertTrue(Files.isRegularFile(file));
    }

    @Test
    void aTenKilobyteExperimentNameIsCutToAFileNameTheFileSystemTakes() throws Exception {
        String huge = "x".repeat(10_240);
        String other = "x".repeat(10_239) + "y";
        String stream = "s".repeat(128); // the longest stream name StreamDescriptor allows
        String name = defaultTemplate.fileName(FileNameTemplate.runValues(huge, UID, START_NS, "csv"), 1, stream, 12,
                true, "arrows");
        String otherName = defaultTemplate.fileName(FileNameTemplate.runValues(other, UID, START_NS, "csv"), 1, stream,
                12, true, "arrows");

        assertTrue((name + ".part").getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 255, name);
        assertFalse(name.equals(otherName), "names that differ only after the cut still give different files");
        Files.createFile(dir.resolve(name + ".part"));
        assertTrue(name.startsWith("x".repeat(40)), name);
    }

    @Test
    void unpairedSurrogatesAndNonAsciiBecomeUnderscores() {
        assertEquals("a_b_c_", FileNameTemplate.sanitize("a\uD800b\uD83D\uDE00c\u00e9"));
    }

    @Test
    void sanitizeKeepsPortableNamesAsTheyAre() {
        assertEquals("scan-01_v2.5", FileNameTemplate.sanitize("scan-01_v2.5"));
    }
}
