package org.daqlab.writer.arrow.internal;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The configuration: defaults, and a bad value refused with a message naming the property, the value
 * and what is allowed; the metatype and component descriptions bnd generated carry the property
 * names the core and the Web Console use.
 */
class ArrowStorageWriterTest {

    @Test
    void defaultsAreTheStreamFormatUncompressedWithBatchesAsTheyCome() {
        ArrowSettings settings = ArrowSettings.of(TestConfigs.config(Map.of()));
        assertEquals(IpcFormat.STREAM, settings.format());
        assertEquals(BodyCompression.NONE, settings.compression());
        assertEquals(0, settings.batchRows());
        assertEquals("arrow", TestConfigs.writer(Map.of()).format());
    }

    @Test
    void badValuesNameThePropertyTheValueAndTheChoices() {
        assertMessage(Map.of("format", "parquet"), "format = 'parquet'", "[stream, file]");
        assertMessage(Map.of("compression", "gzip"), "compression = 'gzip'", "[none, zstd, lz4_frame]");
        assertMessage(Map.of("compression", "zstd", "compression__level", 99), "compression_level = 99", "22");
        assertMessage(Map.of("batch__rows", -1), "batch_rows = -1", "0");
    }

    @Test
    void optionsAreReadWhateverTheirCase() {
        ArrowSettings settings = ArrowSettings.of(TestConfigs.config(Map.of("format", " FILE ", "compression", "LZ4_Frame")));
        assertEquals(IpcFormat.FILE, settings.format());
        assertEquals(BodyCompression.LZ4_FRAME, settings.compression());
    }

    @Test
    void levelIsCheckedOnlyForZstd() {
        assertEquals(99, ArrowSettings.of(TestConfigs.config(Map.of("compression", "lz4_frame", "compression__level", 99))).level());
        assertEquals(-5, ArrowSettings.of(TestConfigs.config(Map.of("compression", "zstd", "compression__level", -5))).level());
    }

    @Test
    void generatedDescriptorsCarryThePropertyNamesTheCoreReads() throws Exception {
        String metatype = Files.readString(Path.of("target/classes/OSGI-INF/metatype/org.daqlab.writer.arrow.xml"));
        String component = Files.readString(Path.of(
                "target/classes/OSGI-INF/org.daqlab.writer.arrow.internal.ArrowStorageWriter.xml"));
        for (String property : List.of("name", "output_dir", "file_name_template", "auto_flush_interval_secs",
                "rotation_size_mb", "rotation_duration_secs", "streams", "format", "compression", "compression_level",
                "batch_rows", "webconsole.configurationFactory.nameHint")) {
            assertTrue(metatype.contains("<AD id=\"" + property + "\""), "metatype attribute " + property);
        }
        assertTrue(metatype.contains("<Designate factoryPid=\"org.daqlab.writer.arrow\""), "a factory configuration");
        assertTrue(component.contains("configuration-pid=\"org.daqlab.writer.arrow\"")
                && component.contains("configuration-policy=\"require\""));
        assertTrue(component.contains("<property name=\"daqlab.writer.format\" type=\"String\" value=\"arrow\"/>"));
    }

    private static void assertMessage(Map<String, Object> config, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestConfigs.writer(config));
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
        }
    }
}
