package org.daqlab.writer.parquet.internal;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * parquet-java without Hadoop: Hadoop (and what parquet-hadoop's own codec factory needs) is not on
 * this module's test classpath, so every test that writes a file proves the writer never loads it;
 * and the bundle does not import it, so no Hadoop bundle can be wired in.
 */
class HadoopFreeTest {

    @Test
    void hadoopAndTheReplacedCodecLibrariesAreNotOnTheClasspath() {
        for (String absent : List.of("org.apache.hadoop.conf.Configuration", "org.apache.hadoop.fs.Path",
                "org.xerial.snappy.Snappy", "org.apache.commons.pool.impl.GenericObjectPool")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(absent), absent);
        }
    }

    @Test
    void bundleImportsNoHadoopAndOnlyWhatThePlatformProvides() throws Exception {
        Manifest manifest;
        try (InputStream in = Files.newInputStream(Path.of(System.getProperty("basedir", "."), "target/classes/META-INF/MANIFEST.MF"))) {
            manifest = new Manifest(in);
        }
        String imports = manifest.getMainAttributes().getValue("Import-Package");
        List<String> packages = Arrays.stream(imports.split(",(?=[a-z])")).map(p -> p.split(";")[0]).toList();
        // Java SE packages (parquet-java's shaded Jackson names the XML and SQL ones), the platform's bundles, the two codec bundles
        List<String> allowed = List.of("java.", "javax.crypto", "javax.xml.", "org.w3c.dom", "org.xml.sax", "sun.misc", "sun.nio.ch",
                "org.apache.arrow.", "org.daqlab.api.", "org.slf4j", "com.fasterxml.jackson.databind", "com.github.luben.zstd",
                "net.jpountz.lz4");
        for (String p : packages) {
            assertTrue(allowed.stream().anyMatch(p::startsWith), "unexpected import " + p + " in " + imports);
        }
        for (String optional : List.of("sun.misc", "sun.nio.ch")) {
            assertTrue(imports.contains(optional + ";resolution:=optional"), optional + " is optional: " + imports);
        }
        assertTrue(!packages.contains("java.awt") || imports.contains("java.awt;resolution:=optional"), "java.awt optional: " + imports);
        assertEquals(-1, imports.indexOf("hadoop"), imports);
    }
}
