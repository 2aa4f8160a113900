package org.daqlab.driver.sim.internal;

/**
 * Noise that is a pure function of a seed and an index, so that every simulated value can be
 * recomputed exactly from the configuration and the sample index.
 *
 * <ul>
 * <li>{@code mix(z)} is the SplitMix64 finaliser (Steele, Lea and Flood, 2014), a bijective 64-bit
 *     hash whose outputs pass BigCrush.</li>
 * <li>{@code uniform(seed, i) = (mix(seed + i · 0x9E3779B97F4A7C15) >>> 11) · 2^-53}, in [0, 1).</li>
 * <li>{@code gaussian(seed, i)} is the Box–Muller transform of {@code u1 = 1 - uniform(seed, 2i)} and
 *     {@code u2 = uniform(seed, 2i + 1)}: {@code sqrt(-2 ln u1) · cos(2π u2)}, mean 0, standard
 *     deviation 1.</li>
 * <li>{@code seedOf(name) = mix(name.hashCode())}; {@link String#hashCode()} is specified by the
 *     Java Language Specification, so a seed is the same on every JVM.</li>
 * </ul>
 * {@link StrictMath} is used so the values are bit-for-bit the same on every JVM and platform.
 */
public final class DeterministicNoise {

    /** The golden-ratio increment of SplitMix64: consecutive indices land far apart before mixing. */
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private DeterministicNoise() {
    }

    /** The seed derived from a name, typically the instrument id, so instances differ in their noise. */
    public static long seedOf(String name) {
        return mix(name.hashCode());
    }

    /** A value uniformly distributed in [0, 1), determined by {@code seed} and {@code index}. */
    public static double uniform(long seed, long index) {
        return (mix(seed + index * GOLDEN_GAMMA) >>> 11) * 0x1.0p-53;
    }

    /** A standard normal value (mean 0, standard deviation 1), determined by {@code seed} and {@code index}. */
    public static double gaussian(long seed, long index) {
        double u1 = 1.0 - uniform(seed, 2 * index); // in (0, 1], so the logarithm is finite
        double u2 = uniform(seed, 2 * index + 1);
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
