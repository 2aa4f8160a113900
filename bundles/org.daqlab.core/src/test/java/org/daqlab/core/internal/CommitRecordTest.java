package org.daqlab.core.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The window between a writer's close and the core's renames ({@link CommitRecord}): a JVM killed
 * with SIGKILL after the record was written leaves complete files under temporary names, which the
 * next start renames; files the record does not name (segments that never closed) are left to the
 * writers' recoveries; a record of this JVM's own commit and a taken final name are left alone.
 */
class CommitRecordTest {

    /** Linux reports a process killed by signal 9 as exit status 128 + 9. */
    private static final int KILLED = 137;

    @TempDir
    Path work;

    @Test
    void filesOfACommitKilledBeforeItsRenamesGetTheirFinalNamesAtTheNextStart() throws Exception {
        Path dir = Files.createDirectories(work.resolve("out"));
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), ClosedThenKilled.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertEquals(ClosedThenKilled.RECORDED, line, "the child wrote its files and the commit record");
            child.destroyForcibly(); // SIGKILL: no close, no rename, no shutdown hook
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child outlived SIGKILL");
        }
        assertEquals(KILLED, child.exitValue());
        assertEquals(List.of("run_v1.h5.commit", "run_v1.h5.part", "run_v1_adc0.csv.part", "run_v1_adc0.json.part",
                "run_v2.h5.part"), names(dir), "what the killed commit left");

        CommitRecord.completeLeftovers(dir);

        assertEquals(List.of("run_v1.h5", "run_v1_adc0.csv", "run_v1_adc0.json", "run_v2.h5.part"), names(dir),
                "the closed segment's files renamed, the record gone, the unclosed segment left to its writer's recovery");
        assertEquals("h5 v1", Files.readString(dir.resolve("run_v1.h5")));
        assertEquals("timestamp_ns\r\n1\r\n", Files.readString(dir.resolve("run_v1_adc0.csv")));
        assertEquals("{}", Files.readString(dir.resolve("run_v1_adc0.json")));
    }

    @Test
    void aCommitUnderWayInThisJvmIsNotALeftover() throws Exception {
        Path dir = Files.createDirectories(work.resolve("live"));
        Files.writeString(dir.resolve("a.csv.part"), "x\r\n");
        CommitRecord record = CommitRecord.write(dir, List.of(dir.resolve("a.csv")));

        CommitRecord.completeLeftovers(dir);

        assertEquals(List.of("a.csv.commit", "a.csv.part"), names(dir), "another thread's commit is left to finish itself");
        record.delete();
    }

    @Test
    void aFinalNameThatIsTakenKeepsTheFileAndItsRecordForTheAdminToResolve() throws Exception {
        Path dir = Files.createDirectories(work.resolve("taken"));
        Files.writeString(dir.resolve("a.h5.part"), "new");
        Files.writeString(dir.resolve("a.h5"), "someone else's");
        Files.writeString(dir.resolve("b.h5.part"), "b");
        Files.writeString(dir.resolve("a.h5.commit"), "a.h5\nb.h5\n");

        CommitRecord.complete(dir.resolve("a.h5.commit"));

        assertEquals(List.of("a.h5", "a.h5.commit", "a.h5.part", "b.h5"), names(dir));
        assertEquals("someone else's", Files.readString(dir.resolve("a.h5")), "never overwritten");
    }

    @Test
    void aRecordCutShortNamesOnlyItsCompleteLines() throws Exception {
        Path dir = Files.createDirectories(work.resolve("torn"));
        Files.writeString(dir.resolve("a.h5.part"), "a");
        Files.writeString(dir.resolve("b.h5.part"), "b");
        Files.writeString(dir.resolve("a.h5.commit"), "a.h5\nb.h"); // a power loss during the write

        CommitRecord.complete(dir.resolve("a.h5.commit"));

        assertEquals(List.of("a.h5", "b.h5.part"), names(dir));
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * The child JVM: two segments' files, as writers leave them: the first closed (complete files and
     * the core's commit record, written as {@link Segment#commit} writes it before renaming), the
     * second still being written. Then it waits to be killed.
     */
    public static final class ClosedThenKilled {
        static final String RECORDED = "RECORDED";

        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            Files.writeString(dir.resolve("run_v1.h5.part"), "h5 v1");
            Files.writeString(dir.resolve("run_v1_adc0.csv.part"), "timestamp_ns\r\n1\r\n");
            Files.writeString(dir.resolve("run_v1_adc0.json.part"), "{}");
            Files.writeString(dir.resolve("run_v2.h5.part"), "h5 v2, not closed");
            CommitRecord.write(dir, List.of(dir.resolve("run_v1.h5"), dir.resolve("run_v1_adc0.csv"), dir.resolve("run_v1_adc0.json")));
            System.out.println(RECORDED);
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(10));
            System.exit(3);
        }
    }
}
