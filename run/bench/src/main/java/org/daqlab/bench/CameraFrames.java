package org.daqlab.bench;

import org.apache.arrow.vector.UInt2Vector;

/**
 * Frames as a 12-bit scientific camera delivers them in 16-bit pixels: a dark offset, a smooth
 * illumination (a diagonal gradient with vignetting) that flickers slightly from frame to frame, and
 * per pixel shot noise (standard deviation √signal at one count per electron) plus read noise. Such
 * frames compress about as well as real ones, unlike all-zero or constant test patterns.
 */
final class CameraFrames {

    private static final float DARK = 100;
    private static final float READ_NOISE = 2;
    private static final int MAX = 4095;

    private final int pixels;
    private final float[] mean;
    private final float[] sigma;
    private final Noise noise;

    CameraFrames(int height, int width, Noise noise) {
        this.pixels = height * width;
        this.mean = new float[pixels];
        this.sigma = new float[pixels];
        this.noise = noise;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double dx = (x - width / 2.0) / width;
                double dy = (y - height / 2.0) / height;
                double gradient = 300 + 2200 * (0.6 * x / width + 0.4 * y / height);
                double vignetting = 1 - 0.8 * (dx * dx + dy * dy);
                int i = y * width + x;
                mean[i] = (float) (gradient * vignetting);
                sigma[i] = (float) Math.sqrt(mean[i] + READ_NOISE * READ_NOISE);
            }
        }
    }

    /** Writes frame {@code frame} into {@code target} from pixel {@code first} on. */
    void fill(long frame, UInt2Vector target, int first) {
        float flicker = (float) (1 + 0.02 * Math.sin(frame / 7.0));
        noise.jump();
        for (int i = 0; i < pixels; i++) {
            int value = Math.round(DARK + mean[i] * flicker + sigma[i] * noise.next());
            target.set(first + i, (char) Math.max(0, Math.min(MAX, value)));
        }
    }
}
