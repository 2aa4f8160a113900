package org.daqlab.writer.arrow.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.run.StreamDescriptor;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of {@link CrashRecoveryTest}: writes power, ADC and camera batches through the real
 * Arrow writer into {@code args[0]} ({@code args[1]} format, {@code args[2]} compression), flushes
 * every {@code args[3]} rounds and then prints {@code FLUSHED power_meter_01=<rows> adc0=<rows>
 * camera0=<rows>}, and goes on until it is killed. It never closes the segment. It exits by itself
 * if its parent goes away (stdin closes) or after {@link #MAX_ROUNDS}.
 */
final class CrashingWriterMain {

    static final String FLUSHED = "FLUSHED";
    static final List<StreamDescriptor> STREAMS = List.of(TestStreams.POWER, TestStreams.adc(8), TestStreams.CAMERA);
    /** Rows per batch of each stream. */
    static final int[] ROWS = {700, 1300, 3};
    private static final int MAX_ROUNDS = 20_000;

    private CrashingWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        int roundsPerFlush = Integer.parseInt(args[3]);
        exitWhenParentGoesAway();
        ArrowStorageWriter writer = TestConfigs.writer(Map.of("format", args[1], "compression", args[2]));
        try (BufferAllocator allocator = new RootAllocator()) {
            RunWriter run = writer.open(new TestRunContext(directory, ArrowWriterInteropTest.RUN, 1, allocator));
            STREAMS.forEach(s -> describe(run, s));
            long[] rows = new long[STREAMS.size()];
            for (int round = 1; round <= MAX_ROUNDS; round++) {
                for (int s = 0; s < STREAMS.size(); s++) {
                    write(run, STREAMS.get(s), TestStreams.batch(STREAMS.get(s), allocator, rows[s], ROWS[s]));
                    rows[s] += ROWS[s];
                }
                if (round % roundsPerFlush == 0) {
                    run.flush();
                    System.out.println(FLUSHED + " power_meter_01=" + rows[0] + " adc0=" + rows[1] + " camera0=" + rows[2]);
                    System.out.flush();
                }
                // a little pacing keeps the files small while the test decides when to kill
                Thread.sleep(1);
            }
        }
        System.exit(3); // not killed: the test failed to do its part
    }

    private static void describe(RunWriter run, StreamDescriptor stream) {
        try {
            run.describe(stream);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void write(RunWriter run, StreamDescriptor stream, VectorSchemaRoot batch) throws IOException {
        try (batch) {
            run.write(stream.stream(), batch);
        }
    }

    private static void exitWhenParentGoesAway() {
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent never writes; read() returns -1 when it is gone
                }
            } catch (IOException ignored) {
                // same: the parent is gone
            }
            Runtime.getRuntime().halt(4);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
