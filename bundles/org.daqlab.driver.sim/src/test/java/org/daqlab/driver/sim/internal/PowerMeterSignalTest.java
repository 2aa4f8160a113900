package org.daqlab.driver.sim.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PowerMeterSignalTest {

    @Test
    void modulationIsATenPercentSineOverOneHundredSamples() {
        assertEquals(1e-3, PowerMeterSignal.modulated(0));
        assertEquals(1.1e-3, PowerMeterSignal.modulated(25), 1e-18);
        assertEquals(1e-3, PowerMeterSignal.modulated(50), 1e-18);
        assertEquals(0.9e-3, PowerMeterSignal.modulated(75), 1e-18);
        assertEquals(PowerMeterSignal.modulated(37), PowerMeterSignal.modulated(37 + 100 * 1_000_000_000_000L),
                "periodic, and exact for large indices");
    }

    @Test
    void valueIsTheModulationPlusSeededGaussianNoise() {
        PowerMeterSignal signal = new PowerMeterSignal("pm1");
        long seed = DeterministicNoise.seedOf("pm1");
        for (long i = 0; i < 1_000; i++) {
            assertEquals(PowerMeterSignal.modulated(i) + 5e-6 * DeterministicNoise.gaussian(seed, i), signal.value(i));
        }
    }

    @Test
    void noiseHasTheDocumentedStandardDeviation() {
        PowerMeterSignal signal = new PowerMeterSignal("pm1");
        int n = 200_000;
        double sum = 0;
        double sumOfSquares = 0;
        for (long i = 0; i < n; i++) {
            double noise = signal.value(i) - PowerMeterSignal.modulated(i);
            sum += noise;
            sumOfSquares += noise * noise;
        }
        double mean = sum / n;
        double deviation = Math.sqrt(sumOfSquares / n - mean * mean);
        assertEquals(0, mean, 4 * PowerMeterSignal.NOISE_W / Math.sqrt(n));
        assertEquals(PowerMeterSignal.NOISE_W, deviation, 0.01 * PowerMeterSignal.NOISE_W);
    }

    @Test
    void isReproducibleAndDiffersBetweenInstruments() {
        PowerMeterSignal first = new PowerMeterSignal("pm1");
        PowerMeterSignal again = new PowerMeterSignal("pm1");
        PowerMeterSignal other = new PowerMeterSignal("pm2");
        assertEquals(first.value(123_456), again.value(123_456));
        assertNotEquals(first.value(123_456), other.value(123_456));
        for (long i = 0; i < 10_000; i++) {
            double watts = first.value(i);
            assertTrue(watts > 0.85e-3 && watts < 1.15e-3, "sample " + i + ": " + watts);
        }
    }
}
