package org.daqlab.writer.tiff.internal;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The configuration: defaults, bad values named with the property, the value and the choices, the generated descriptors. */
class TiffSettingsTest {

    @Test
    void defaultsAreUncompressedAutomaticBigTiffWithAThreadPerProcessor() {
        TiffSettings settings = TiffSettings.of(TestConfigs.config(Map.of()));
        assertEquals(TiffSettings.Compression.NONE, settings.compression());
        assertEquals(TiffSettings.BigTiff.AUTO, settings.bigTiff());
        assertEquals(1, settings.level());
        assertTrue(settings.predictor());
        assertEquals(Runtime.getRuntime().availableProcessors(), settings.threads());
        assertEquals(1L << 32, settings.classicLimit());
        assertEquals("tiff", TestConfigs.writer(Map.of()).format());
    }

    @Test
    void badValuesNameThePropertyTheValueAndTheChoices() {
        assertMessage(Map.of("compression", "lzw"), "compression = 'lzw'", "[none, deflate]");
        assertMessage(Map.of("bigtiff", "sometimes"), "bigtiff = 'sometimes'", "[auto, always, never]");
        assertMessage(Map.of("compression", "deflate", "compression__level", 10), "compression_level = 10", "1", "9");
        assertMessage(Map.of("compression", "deflate", "compression__level", 0), "compression_level = 0");
        assertMessage(Map.of("compression__threads", -2), "compression_threads = -2", "0");
    }

    @Test
    void optionsAreReadWhateverTheirCaseAndTheLevelOnlyMattersForDeflate() {
        TiffSettings settings = TiffSettings.of(TestConfigs.config(Map.of("compression", " Deflate ", "bigtiff", "NEVER",
                "compression__level", 9, "predictor", false, "compression__threads", 3)));
        assertEquals(TiffSettings.Compression.DEFLATE, settings.compression());
        assertEquals(TiffSettings.BigTiff.NEVER, settings.bigTiff());
        assertEquals(9, settings.level());
        assertFalse(settings.predictor());
        assertEquals(3, settings.threads());
        assertEquals(42, TiffSettings.of(TestConfigs.config(Map.of("compression__level", 42))).level());
    }

    @Test
    void generatedDescriptorsCarryThePropertyNamesTheCoreReads() throws Exception {
        String metatype = Files.readString(Path.of("target/classes/OSGI-INF/metatype/org.daqlab.writer.tiff.xml"));
        String component = Files.readString(Path.of(
                "target/classes/OSGI-INF/org.daqlab.writer.tiff.internal.TiffStorageWriter.xml"));
        for (String property : List.of("name", "output_dir", "file_name_template", "auto_flush_interval_secs",
                "rotation_size_mb", "rotation_duration_secs", "streams", "compression", "compression_level", "predictor",
                "bigtiff", "compression_threads", "webconsole.configurationFactory.nameHint")) {
            assertTrue(metatype.contains("<AD id=\"" + property + "\""), "metatype attribute " + property);
        }
        assertTrue(metatype.contains("<Designate factoryPid=\"org.daqlab.writer.tiff\""), "a factory configuration");
        assertTrue(component.contains("configuration-pid=\"org.daqlab.writer.tiff\"")
                && component.contains("configuration-policy=\"require\""));
        assertTrue(component.contains("<property name=\"daqlab.writer.format\" type=\"String\" value=\"tiff\"/>"));
    }

    private static void assertMessage(Map<String, Object> config, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestConfigs.writer(config));
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
        }
    }
}
