package org.daqlab.bench;

import java.util.SplittableRandom;

/**
 * Deterministic standard normal noise for the HDF5 workloads, fast enough for a billion samples:
 * a table of 4 Mi Gaussian values read sequentially from a random start. The table repeats only
 * every 4 Mi samples, far beyond deflate's 32 KiB window and any chunk, so it compresses like
 * fresh noise.
 */
final class Noise {

    private static final int SIZE = 1 << 22;
    private static final int MASK = SIZE - 1;

    private final float[] table = new float[SIZE];
    private final SplittableRandom random;
    private int at;

    Noise(long seed) {
        random = new SplittableRandom(seed);
        for (int i = 0; i < SIZE; i++) {
            table[i] = (float) random.nextGaussian();
        }
    }

    /** The next value, N(0, 1). */
    float next() {
        return table[at++ & MASK];
    }

    /** Continues from a random place in the table (so that consecutive frames do not share their noise). */
    void jump() {
        at = random.nextInt(SIZE);
    }

    /** A uniform integer in {@code [origin, bound)}, from the same seeded generator. */
    int uniform(int origin, int bound) {
        return random.nextInt(origin, bound);
    }
}
