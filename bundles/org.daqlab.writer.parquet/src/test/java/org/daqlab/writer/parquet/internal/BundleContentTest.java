package org.daqlab.writer.parquet.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bundle embeds only the packages of parquet-java (and aircompressor, JTS) that bnd finds the
 * writer reaches; a class loaded by name, or one bnd missed, would only fail in OSGi. So this runs
 * the writer in a JVM whose classpath has the bundle's content ({@code target/classes}, where bnd
 * put the embedded classes) instead of those jars, beside the bundles it imports.
 */
class BundleContentTest {

    /** Jars the bundle embeds from: the child must not see them. */
    private static final List<String> EMBEDDED = List.of("/org/apache/parquet/", "/io/airlift/", "/org/locationtech/");

    @TempDir
    Path dir;

    @Test
    void writerAndRecoveryWorkWithTheEmbeddedClassesAlone() throws Exception {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> EMBEDDED.stream().noneMatch(entry.replace(File.separatorChar, '/')::contains))
                .collect(Collectors.joining(File.pathSeparator));
        assertFalse(classpath.contains("parquet-column"), classpath);
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Xmx512m", "-cp", classpath,
                BundleContentMain.class.getName(), dir.toString()).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(300, TimeUnit.SECONDS), "the child finishes");
        assertEquals(0, child.exitValue(), output);
        assertTrue(output.contains("OK true"), output);
        for (ParquetCompression codec : ParquetCompression.values()) {
            Path camera = dir.resolve(codec.option()).resolve("camera0_s1.parquet.part");
            new Readback(NodeReaders.hyparquet(camera), camera.toString()).assertCamera(0, 5, 0);
        }
        new Readback(NodeReaders.hyparquet(dir.resolve("zstd/power_meter_01_s1.parquet.part")), "power").assertPower(0, 700, 0);
        new Readback(NodeReaders.hyparquet(dir.resolve("recovered/adc0_s1.parquet")), "recovered").assertAdc(0, 13_000, 0);
    }
}
