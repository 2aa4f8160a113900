package org.daqlab.driver.sim.internal;

/**
 * The simulated power meter's reading, in watts, as a pure function of the sample index {@code i}:
 *
 * <pre>
 * power(i) = P0 · (1 + m · sin(2π · (i mod N) / N)) + σ · gaussian(seed, i)
 * </pre>
 *
 * with mean power {@code P0 = 1 mW}, modulation depth {@code m = 0.1}, modulation period
 * {@code N = 100} samples, noise {@code σ = 5 µW} and
 * {@code seed = DeterministicNoise.seedOf(instrument id)} ({@link DeterministicNoise#gaussian}). The
 * reading therefore stays within about 0.9 mW … 1.1 mW, and two meters with different ids have
 * different noise. Computed with {@link StrictMath}, so it is reproducible bit for bit.
 */
public final class PowerMeterSignal {

    /** Mean power P0, W. */
    public static final double MEAN_W = 1e-3;
    /** Modulation depth m, relative to the mean. */
    public static final double MODULATION_DEPTH = 0.1;
    /** Modulation period N, in samples. */
    public static final int MODULATION_PERIOD_SAMPLES = 100;
    /** Noise standard deviation σ, W. */
    public static final double NOISE_W = 5e-6;

    private final long seed;

    /** The signal of the instrument {@code instrumentId}, which seeds the noise. */
    public PowerMeterSignal(String instrumentId) {
        this.seed = DeterministicNoise.seedOf(instrumentId);
    }

    /** The noise-free part of sample {@code sampleIndex}, W. */
    public static double modulated(long sampleIndex) {
        // reduce the index first, so the sine's argument stays small and exact for any index
        long indexInPeriod = Math.floorMod(sampleIndex, MODULATION_PERIOD_SAMPLES);
        double phase = 2 * StrictMath.PI * indexInPeriod / MODULATION_PERIOD_SAMPLES;
        return MEAN_W * (1 + MODULATION_DEPTH * StrictMath.sin(phase));
    }

    /** The reading of sample {@code sampleIndex}, W. */
    public double value(long sampleIndex) {
        return modulated(sampleIndex) + NOISE_W * DeterministicNoise.gaussian(seed, sampleIndex);
    }
}
