package org.daqlab.core.internal;

import org.daqlab.api.run.RunStart;
import org.daqlab.api.storage.WriterStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Run names and metadata that JSON in the ring cannot carry unchanged are refused before anything is
 * published; long and non-ASCII names that it can carry give files inside the output directory.
 */
class HostileDocumentsTest {

    @TempDir
    Path work;

    @ParameterizedTest
    @ValueSource(strings = {"nul\0byte", "lone\uD800surrogate", "low\uDC00first", "ends\uD83D"})
    void textThatIsNotUnicodeIsRefusedAndNothingStarts(String text) throws Exception {
        try (CoreFixture fixture = new CoreFixture(work)) {
            long before = fixture.ring.stats().recordsPublished();

            IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> fixture.core.start(text, Map.of()));
            assertTrue(name.getMessage().startsWith("run name '"), name.getMessage());
            assertThrows(IllegalArgumentException.class, () -> fixture.core.start("ok", Map.of(text, 1L)));
            assertThrows(IllegalArgumentException.class, () -> fixture.core.start("ok", Map.of("key", text)));
            assertThrows(IllegalArgumentException.class, () -> fixture.core.setMetadata("key", text));
            assertThrows(IllegalArgumentException.class, () -> fixture.core.setInstrumentMetadata("pm", text, 1L));

            assertEquals(before, fixture.ring.stats().recordsPublished(), "nothing was published");
            assertTrue(fixture.core.currentRun().isEmpty());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rotation_size_mb=-5|must be 0 (off) or positive", "auto_flush_interval_secs=soon|is not a whole number",
            "file_name_template=../{experiment}.{ext}|must be a file name"})
    void aWriterWithBadSettingsIsShownFailedWithTheReasonUntilItIsReplaced(String setting) throws Exception {
        String[] parts = setting.split("\\|");
        String[] keyValue = parts[0].split("=", 2);
        try (CoreFixture fixture = new CoreFixture(work)) {
            RecordingWriter bad = fixture.bindWriter("bad", Map.of(keyValue[0], keyValue[1]));

            WriterStats stats = fixture.stats("bad");
            assertEquals(org.daqlab.api.storage.WriterState.FAILED, stats.state());
            assertTrue(stats.lastError().contains(keyValue[0]) && stats.lastError().contains(parts[1]), stats.lastError());

            fixture.core.unbindWriter(bad);
            assertTrue(fixture.core.writers().stream().noneMatch(w -> w.name().equals("bad")), "gone with its service");
            fixture.bindWriter("bad", Map.of());
            assertEquals(null, fixture.stats("bad").lastError(), "a corrected configuration runs");
        }
    }

    @Test
    void aLongNonAsciiRunNameGivesFilesInTheOutputDirectory() throws Exception {
        String name = "../".repeat(1000) + "Messung \u00e9\u00e8 \uD83D\uDE00 " + "x".repeat(10_000);
        try (CoreFixture fixture = new CoreFixture(work)) {
            fixture.bindWriter("recorder", Map.of());
            RunStart start = fixture.core.start(name, Map.of("operator", "J\u00fcrgen \uD83D\uDE00"));
            try (var power = fixture.core.openStream(PowerStream.descriptor("power"))) {
                PowerStream.publish(power, fixture.allocator, 0, 10);
            }
            fixture.core.stop("done");

            assertEquals(name, start.name());
            WriterStats stats = fixture.stats("recorder");
            assertEquals(null, stats.lastError());
            assertTrue(!stats.completedFiles().isEmpty());
            for (var file : stats.completedFiles()) {
                Path path = Path.of(file.path());
                assertEquals(fixture.outputDir.toAbsolutePath(), path.getParent(), file.path());
                assertTrue(Files.isRegularFile(path), file.path());
                assertTrue(path.getFileName().toString().length() < 255, file.path());
            }
        }
    }
}
