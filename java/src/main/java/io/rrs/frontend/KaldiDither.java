package io.rrs.frontend;

import java.util.SplittableRandom;

/**
 * Seeded Gaussian noise for Kaldi's dither. Marsaglia's polar method over SplittableRandom: fast
 * and reproducible for a seed, but not torch's randn, so dithered output matches torchaudio only in
 * distribution, never sample for sample.
 */
final class KaldiDither {
    private final long seed;
    private SplittableRandom random;
    private double spare;
    private boolean hasSpare;

    KaldiDither(long seed) {
        this.seed = seed;
        reset();
    }

    /** Restarts the sequence from the seed. */
    void reset() {
        random = new SplittableRandom(seed);
        hasSpare = false;
    }

    /** Adds {@code scale} times standard normal noise to {@code x[0..n)}. */
    void addNoise(float[] x, int n, float scale) {
        for (int i = 0; i < n; i++) x[i] += scale * (float) nextGaussian();
    }

    double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u, v, s;
        do {
            u = 2 * random.nextDouble() - 1;
            v = 2 * random.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = Math.sqrt(-2 * Math.log(s) / s);
        spare = v * m;
        hasSpare = true;
        return u * m;
    }
}
