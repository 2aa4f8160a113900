package org.daqlab.webconsole.internal.config;

import org.apache.felix.metatype.MetaData;
import org.apache.felix.metatype.MetaDataReader;
import org.apache.felix.metatype.OCD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigurationRulesTest {

    /** A metatype document as bnd writes it from the annotations. */
    private static final String METATYPE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <metatype:MetaData xmlns:metatype="http://www.osgi.org/xmlns/metatype/v1.4.0" localization="en">
              <OCD id="w" name="daqlab test writer">
                <AD id="capacity_mb" type="Integer" name="Capacity (MB)" min="1" max="1048576" default="256"/>
                <AD id="block_timeout_ms" type="Long" name="Block timeout (ms)" min="0" default="1000"/>
                <AD id="fps" type="Double" name="Frame rate (fps)" min="0" max="10000" default="10"/>
                <AD id="compression" type="String" name="Compression" default="deflate">
                  <Option label="None" value="none"/>
                  <Option label="Deflate (gzip)" value="deflate"/>
                  <Option label="LZ4" value="lz4"/>
                </AD>
                <AD id="shuffle" type="Boolean" name="Shuffle" default="true"/>
                <AD id="output_dir" type="String" name="Output directory" default=""/>
                <AD id="streams" type="String" name="Streams" cardinality="2147483647"/>
              </OCD>
              <Designate factoryPid="org.daqlab.writer.test"><Object ocdref="w"/></Designate>
            </metatype:MetaData>
            """;

    @Test
    void goodValuesPassWhateverTheirJavaType() throws Exception {
        Map<String, Object> good = new HashMap<>();
        good.put("capacity_mb", 1024);
        good.put("block_timeout_ms", "0");
        good.put("fps", 2.5);
        good.put("compression", "lz4");
        good.put("shuffle", "FALSE");
        good.put("output_dir", "");
        good.put("streams", new String[] {"adc0", "camera0"});
        good.put("unknown_key", "left alone");
        assertEquals(List.of(), ConfigurationRules.problems(ocd(), good));
    }

    @Test
    void eachBadValueIsNamedWithItsFieldAndTheFix() throws Exception {
        Map<String, Object> bad = new HashMap<>();
        bad.put("capacity_mb", -5);
        bad.put("block_timeout_ms", "soon");
        bad.put("fps", 20000.0);
        bad.put("compression", "lz5");
        bad.put("shuffle", "maybe");

        List<String> problems = ConfigurationRules.problems(ocd(), bad);

        assertEquals(List.of(
                "'Capacity (MB)' (capacity_mb) = '-5': below the minimum 1. Enter a whole number from 1 to 1048576.",
                "'Block timeout (ms)' (block_timeout_ms) = 'soon': not a whole number. Enter a whole number of at least 0.",
                "'Frame rate (fps)' (fps) = '20000.0': above the maximum 10000. Enter a number from 0 to 10000.",
                "'Compression' (compression) = 'lz5': not one of the choices. Choose one of none (\"None\"), "
                        + "deflate (\"Deflate (gzip)\"), lz4 (\"LZ4\").",
                "'Shuffle' (shuffle) = 'maybe': not true or false. Enter true or false."), problems);
    }

    @Test
    void wholeNumbersMustBeWholeAndSingleValuesSingle() throws Exception {
        assertEquals(List.of("'Capacity (MB)' (capacity_mb) = '2.5': not a whole number. Enter a whole number from 1 "
                + "to 1048576."), ConfigurationRules.problems(ocd(), Map.of("capacity_mb", "2.5")));
        assertEquals(List.of(), ConfigurationRules.problems(ocd(), Map.of("capacity_mb", "2.0")));
        assertEquals(List.of("'Compression' (compression) = [none, lz4]: takes one value, not 2. Enter one."),
                ConfigurationRules.problems(ocd(), Map.of("compression", new String[] {"none", "lz4"})));
    }

    @Test
    void valuesInterpolatedAtRuntimeAreLeftToTheComponent() throws Exception {
        assertEquals(List.of(), ConfigurationRules.problems(ocd(),
                Map.of("capacity_mb", "$[env:RING_MB;default=256]", "output_dir", "$[env:DAQLAB_STORAGE_OUTPUT_DIR]")));
    }

    @Test
    void aDirectoryMustBeOneThePlatformCanCreateOrWrite(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertNull(ConfigurationRules.directory(tmp.toString()));
        assertNull(ConfigurationRules.directory(tmp.resolve("new/deeper").toString()), "missing parts are created");

        String onFile = ConfigurationRules.directory(file.toString());
        assertTrue(onFile.startsWith(file + " is a file, not a directory. Choose a directory the platform's user"), onFile);
        String under = ConfigurationRules.directory(file.resolve("data").toString());
        assertTrue(under.startsWith(file + " is a file, so " + file.resolve("data") + " cannot be created."), under);

        List<String> problems = ConfigurationRules.problems(ocd(), Map.of("output_dir", file.resolve("data").toString()));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("'Output directory' (output_dir) = '" + file.resolve("data") + "': "),
                problems.get(0));
        assertTrue(problems.get(0).endsWith("or leave it empty for the platform's output directory."), problems.get(0));
    }

    private static OCD ocd() throws Exception {
        MetaData metadata = new MetaDataReader().parse(new ByteArrayInputStream(METATYPE.getBytes(StandardCharsets.UTF_8)));
        return (OCD) metadata.getObjectClassDefinitions().get("w");
    }
}
