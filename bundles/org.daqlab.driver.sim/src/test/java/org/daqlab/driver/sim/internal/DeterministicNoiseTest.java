package org.daqlab.driver.sim.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeterministicNoiseTest {

    private static final int SAMPLES = 200_000;

    @Test
    void isAPureFunctionOfSeedAndIndex() {
        long seed = DeterministicNoise.seedOf("adc0");
        assertEquals(seed, DeterministicNoise.seedOf("adc0"));
        assertNotEquals(seed, DeterministicNoise.seedOf("adc1"));
        assertEquals(DeterministicNoise.gaussian(seed, 42), DeterministicNoise.gaussian(seed, 42));
        assertNotEquals(DeterministicNoise.gaussian(seed, 42), DeterministicNoise.gaussian(seed, 43));
    }

    @Test
    void uniformIsInTheUnitIntervalWithMeanOneHalf() {
        double sum = 0;
        for (long i = 0; i < SAMPLES; i++) {
            double u = DeterministicNoise.uniform(7, i);
            assertTrue(u >= 0 && u < 1, "in [0, 1): " + u);
            sum += u;
        }
        // standard deviation of a uniform [0, 1) value: 1/sqrt(12)
        assertEquals(0.5, sum / SAMPLES, 4 / Math.sqrt(12.0 * SAMPLES));
    }

    @Test
    void gaussianIsStandardNormal() {
        double sum = 0;
        double sumOfSquares = 0;
        int beyondTwoSigma = 0;
        for (long i = 0; i < SAMPLES; i++) {
            double g = DeterministicNoise.gaussian(7, i);
            sum += g;
            sumOfSquares += g * g;
            if (Math.abs(g) > 2) {
                beyondTwoSigma++;
            }
        }
        assertEquals(0, sum / SAMPLES, 4 / Math.sqrt(SAMPLES));
        assertEquals(1, Math.sqrt(sumOfSquares / SAMPLES), 0.01);
        assertEquals(0.0455, (double) beyondTwoSigma / SAMPLES, 0.003, "two-sided tail beyond 2σ");
    }
}
