package org.daqlab.writer.parquet.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.daqlab.api.storage.RunWriter;
import org.daqlab.api.storage.TestRunContext;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The child JVM of {@link CrashRecoveryTest}: writes power, ADC and camera batches through the real
 * Parquet writer into {@code args[0]}, flushes every {@code args[1]} batches and then prints
 * {@code FLUSHED power_meter_01=<rows> adc0=<rows> camera0=<rows>}, and goes on until it is killed.
 * It never closes the segment. It exits by itself if its parent goes away (stdin closes) or after
 * {@link #MAX_BATCHES}.
 */
final class CrashingWriterMain {

    static final String FLUSHED = "FLUSHED";
    /** Row groups (and so the spool) of 1 MiB: the ADC stream completes parts, the camera stays spooled, the power meter does both. */
    static final Map<String, Object> CONFIG = Map.of("row__group__mb", 1);
    static final int POWER_ROWS = 700;
    static final int ADC_ROWS = 1300;
    static final int FRAMES = 5;
    private static final int MAX_BATCHES = 20_000;

    private CrashingWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        int batchesPerFlush = Integer.parseInt(args[1]);
        exitWhenParentGoesAway();
        try (BufferAllocator allocator = new RootAllocator()) {
            ParquetStorageWriter writer = TestConfigs.writer(CONFIG, allocator);
            RunWriter run = writer.open(new TestRunContext(directory, TestBatches.RUN, 1, allocator));
            run.describe(TestBatches.POWER);
            run.describe(TestBatches.ADC);
            run.describe(TestBatches.CAMERA);
            long power = 0;
            long adc = 0;
            long frames = 0;
            for (int batch = 1; batch <= MAX_BATCHES; batch++) {
                write(run, TestBatches.POWER.stream(), TestBatches.power(allocator, power, POWER_ROWS));
                power += POWER_ROWS;
                write(run, TestBatches.ADC.stream(), TestBatches.adc(allocator, adc, ADC_ROWS));
                adc += ADC_ROWS;
                write(run, TestBatches.CAMERA.stream(), TestBatches.camera(allocator, frames, FRAMES));
                frames += FRAMES;
                if (batch % batchesPerFlush == 0) {
                    run.flush();
                    System.out.println(FLUSHED + " power_meter_01=" + power + " adc0=" + adc + " camera0=" + frames);
                    System.out.flush();
                }
                // a little pacing keeps the files small while the test decides when to kill
                Thread.sleep(1);
            }
        }
        System.exit(3); // not killed: the test failed to do its part
    }

    private static void write(RunWriter run, String stream, VectorSchemaRoot batch) throws IOException {
        try (batch) {
            run.write(stream, batch);
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
