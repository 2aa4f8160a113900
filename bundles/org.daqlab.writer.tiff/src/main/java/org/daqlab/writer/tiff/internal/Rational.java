package org.daqlab.writer.tiff.internal;

/** TIFF RATIONAL values: two unsigned 32-bit integers. */
final class Rational {

    private static final long MAX = 0xFFFF_FFFFL;

    private Rational() {
    }

    /**
     * The closest fraction to {@code x} (positive) with numerator and denominator below 2^32, by
     * continued fractions, as {@code {numerator, denominator}}.
     */
    static long[] of(double x) {
        if (!(x > 0) || x > MAX) {
            throw new IllegalArgumentException(x + " is not a positive TIFF rational");
        }
        long p0 = 0;
        long q0 = 1;
        long p1 = 1;
        long q1 = 0;
        double rest = x;
        for (int i = 0; i < 64; i++) {
            long a = (long) Math.floor(rest);
            long p2 = a * p1 + p0;
            long q2 = a * q1 + q0;
            if (p2 > MAX || q2 > MAX) {
                break;
            }
            p0 = p1;
            q0 = q1;
            p1 = p2;
            q1 = q2;
            double fraction = rest - a;
            if (fraction < 1e-12 || Math.abs((double) p1 / q1 - x) <= Math.ulp(x)) {
                break;
            }
            rest = 1 / fraction;
        }
        return new long[] {p1, q1};
    }
}
