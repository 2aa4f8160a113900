package org.daqlab.driver.sim.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdcSignalTest {

    /** 50 Hz at 10 kHz: 200 samples per period; ±10 V range, so the amplitude is 5 V. */
    private static AdcSignal noiseFree(int channels) {
        return new AdcSignal("adc0", channels, 10_000, 50, 0, 10);
    }

    @Test
    void channelZeroIsASineOfHalfTheRange() {
        AdcSignal signal = noiseFree(4);
        assertEquals(0.0, signal.value(0, 0));
        assertEquals(5.0, signal.value(50, 0));
        assertEquals(0.0, signal.value(100, 0), 1e-12);
        assertEquals(-5.0, signal.value(150, 0), 1e-12);
        assertEquals(signal.value(7, 0), signal.value(7 + 200, 0), 1e-12);
    }

    @Test
    void channelsLagByAFractionOfAPeriod() {
        AdcSignal signal = noiseFree(4);
        assertEquals(5.0, signal.value(0, 1), "channel 1 of 4 is a quarter period ahead");
        assertEquals(signal.value(50, 0), signal.value(0, 1), 1e-12);
        assertEquals(signal.value(100, 0), signal.value(0, 2), 1e-12);
    }

    @Test
    void noiseIsSeededGaussianPerSampleAndChannel() {
        int channels = 3;
        AdcSignal noisy = new AdcSignal("adc0", channels, 10_000, 50, 0.01, 10);
        AdcSignal clean = noiseFree(channels);
        long seed = DeterministicNoise.seedOf("adc0");
        for (long i = 0; i < 100; i++) {
            for (int c = 0; c < channels; c++) {
                assertEquals(clean.value(i, c) + 0.01 * DeterministicNoise.gaussian(seed, i * channels + c),
                        noisy.value(i, c), 1e-15);
            }
        }
    }

    @Test
    void saturatesAtTheEndsOfTheRange() {
        AdcSignal signal = new AdcSignal("adc0", 2, 10_000, 50, 100, 1);
        boolean sawPlus = false;
        boolean sawMinus = false;
        for (long i = 0; i < 1_000; i++) {
            double volts = signal.value(i, 1);
            assertTrue(volts >= -1 && volts <= 1, "within ±1 V: " + volts);
            sawPlus |= volts == 1;
            sawMinus |= volts == -1;
        }
        assertTrue(sawPlus && sawMinus, "noise of 100 V drives both ends of a ±1 V range");
    }
}
