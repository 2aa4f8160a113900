package org.daqlab.ringbuffer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.daqlab.api.ring.OverflowMode;
import org.daqlab.api.ring.RecordType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A second JVM reads, through the file, the records this JVM publishes. */
class CrossProcessTest {

    /** Bounds every wait, so that a bug fails the test instead of hanging the build. */
    private static final long HANG_GUARD_SECONDS = 120;

    @TempDir
    Path dir;

    @Test
    void aSecondJvmReadsEveryRecordInOrder() throws Exception {
        int records = 5_000;
        Path file = dir.resolve("ring.dat");
        // BLOCK: the producer waits for the other process's reader through its slot in the file, so
        // nothing may be lost however slowly that JVM starts reading.
        try (MappedRing ring = MappedRing.create(file, 64 * 1024, OverflowMode.BLOCK,
                Duration.ofSeconds(HANG_GUARD_SECONDS))) {
            String java = ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    RingReaderProcess.class.getName(), file.toString(), Integer.toString(records - 1),
                    Long.toString(HANG_GUARD_SECONDS))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try (BufferedReader output = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                assertEquals("READY", output.readLine());
                // Read the child's output while publishing, so that a full pipe never stalls it.
                CompletableFuture<List<String>> lines = CompletableFuture.supplyAsync(() -> output.lines().toList());

                for (int i = 0; i < records; i++) {
                    ring.publish(RecordType.BATCH, 7, i, i, Payloads.derived(i, i % 300));
                }

                List<String> reported = lines.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
                for (int i = 0; i < records; i++) {
                    assertEquals("SEQ " + i, i < reported.size() ? reported.get(i) : "nothing",
                            "record " + i + " as the other process read it");
                }
                assertEquals(List.of("DONE 0"), reported.subList(records, reported.size()), "its loss count");
                assertEquals(0, child.waitFor());
                assertEquals(0, ring.stats().blockTimeouts());
            } finally {
                child.destroyForcibly();
            }
        }
    }
}
