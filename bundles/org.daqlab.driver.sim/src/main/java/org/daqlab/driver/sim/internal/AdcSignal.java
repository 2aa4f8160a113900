package org.daqlab.driver.sim.internal;

/**
 * The simulated ADC's voltage on channel {@code c} of {@code C} at sample index {@code i}, a pure
 * function of the configuration and {@code (i, c)}:
 *
 * <pre>
 * v(i, c) = clamp(A · sin(2π · frac(i · f / fs + c / C)) + σ · gaussian(seed, i · C + c), -R, +R)
 * </pre>
 *
 * with input range {@code ±R} ({@code range_v}), amplitude {@code A = R / 2}, signal frequency
 * {@code f} ({@code signal_hz}), sample rate {@code fs} ({@code sample_rate_hz}), noise standard
 * deviation {@code σ} ({@code noise}, V), {@code seed = DeterministicNoise.seedOf(instrument id)}
 * ({@link DeterministicNoise#gaussian}) and {@code frac(x) = x - floor(x)}. Channel {@code c} lags
 * channel 0 by {@code c / C} of a period, so channels are told apart at a glance; the clamp models
 * the converter saturating at the ends of its range. Computed with {@link StrictMath}, so it is
 * reproducible bit for bit.
 */
public final class AdcSignal {

    private final long seed;
    private final int channels;
    private final double cyclesPerSample;
    private final double noiseV;
    private final double rangeV;

    /**
     * @param instrumentId seeds the noise
     * @param channels     number of channels C
     * @param sampleRateHz samples per second per channel, fs
     * @param signalHz     sine frequency f
     * @param noiseV       noise standard deviation σ, V
     * @param rangeV       the input range is ±rangeV
     */
    public AdcSignal(String instrumentId, int channels, double sampleRateHz, double signalHz, double noiseV,
            double rangeV) {
        this.seed = DeterministicNoise.seedOf(instrumentId);
        this.channels = channels;
        this.cyclesPerSample = signalHz / sampleRateHz;
        this.noiseV = noiseV;
        this.rangeV = rangeV;
    }

    /** Voltage of {@code channel} at sample {@code sampleIndex}, V. */
    public double value(long sampleIndex, int channel) {
        double cycles = sampleIndex * cyclesPerSample + (double) channel / channels;
        cycles -= Math.floor(cycles); // a phase in [0, 1) keeps the sine's argument small
        double volts = rangeV / 2 * StrictMath.sin(2 * StrictMath.PI * cycles)
                + noiseV * DeterministicNoise.gaussian(seed, sampleIndex * channels + channel);
        return Math.max(-rangeV, Math.min(rangeV, volts));
    }
}
