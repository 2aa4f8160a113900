package org.daqlab.driver.sim.internal;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.daqlab.api.instrument.InstrumentStatus;
import org.daqlab.driver.sim.internal.RecordingPublisher.Batch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.daqlab.driver.sim.internal.TestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generation loop's life cycle and error handling, driven by a power meter. */
class SimulatedInstrumentTest {

    private final BufferAllocator allocator = new RootAllocator();

    @AfterEach
    void releasesAllMemory() {
        assertTrue(allocator.getChildAllocators().isEmpty(), "every child allocator is closed");
        assertEquals(0, allocator.getAllocatedMemory());
        allocator.close();
    }

    private static PowerMeterSource powerMeter(String id) {
        return new PowerMeterSource(config(PowerMeterComponent.Config.class,
                Map.of("instrument_id", id, "rate_hz", 5_000.0)));
    }

    @Test
    void aFailedPublishLosesThatBatchOnlyAndIsReported() throws InterruptedException {
        RecordingPublisher publisher = new RecordingPublisher().failingOn(call -> call == 1);
        SimulatedInstrument instrument = SimulatedInstrument.start(powerMeter("pm_flaky"), publisher, allocator);
        List<Batch> batches;
        InstrumentStatus running;
        try {
            batches = publisher.stream().awaitBatches(4);
            running = instrument.status();
        } finally {
            instrument.stop();
        }

        assertEquals(List.of(0L, 2L, 3L, 4L), batches.stream().map(Batch::publishCall).toList(),
                "the loop went on after the failed call");
        PowerMeterSignal signal = new PowerMeterSignal("pm_flaky");
        for (Batch batch : batches) {
            batch.read(allocator, root -> assertEquals(signal.value(batch.publishCall()),
                    ((Float8Vector) root.getVector("power")).get(0), "sample index moved on past the lost batch"));
        }
        assertEquals(SimulatedInstrument.RUNNING, running.state(), "the latest batch was published");
        assertEquals("simulated publish failure", running.lastError());
    }

    @Test
    void persistentFailuresShowAsFailedWhileTheLoopKeepsTrying() throws InterruptedException {
        RecordingPublisher publisher = new RecordingPublisher().failingOn(call -> true);
        SimulatedInstrument instrument = SimulatedInstrument.start(powerMeter("pm_broken"), publisher, allocator);
        InstrumentStatus failing;
        try {
            publisher.stream().awaitPublishCalls(5);
            failing = instrument.status();
            assertTrue(TestSupport.threadAlive("daqlab-sim-pm_broken"));
        } finally {
            instrument.stop();
        }
        assertEquals(SimulatedInstrument.FAILED, failing.state());
        assertEquals("simulated publish failure", failing.lastError());
        assertEquals(0, failing.batches());
        assertEquals(null, failing.lastValue());
        assertEquals(SimulatedInstrument.STOPPED, instrument.status().state());
    }

    @Test
    void aRefusedStreamLeavesNothingOpen() {
        RecordingPublisher publisher = new RecordingPublisher();
        SimulatedInstrument first = SimulatedInstrument.start(powerMeter("pm_twice"), publisher, allocator);
        try {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> SimulatedInstrument.start(powerMeter("pm_twice"), publisher, allocator));
            assertTrue(refused.getMessage().contains("already open"), refused.getMessage());
            assertEquals(1, allocator.getChildAllocators().size(), "only the first instrument's allocator");
        } finally {
            first.stop();
        }
        assertFalse(TestSupport.threadAlive("daqlab-sim-pm_twice"));
    }

    @Test
    void runsOneDaemonThreadNamedAfterTheInstrument() {
        SimulatedInstrument instrument = SimulatedInstrument.start(powerMeter("pm_thread"), new RecordingPublisher(),
                allocator);
        try {
            List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("daqlab-sim-pm_thread")).toList();
            assertEquals(1, threads.size());
            assertTrue(threads.get(0).isDaemon());
        } finally {
            instrument.stop();
        }
        assertFalse(TestSupport.threadAlive("daqlab-sim-pm_thread"));
    }
}
