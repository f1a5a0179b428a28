package io.rrs.frontend;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-written power spectrum against a direct double-precision DFT. */
class KaldiRealFftTest {
    @Test
    void matchesDirectDftAtEverySize() {
        Random r = new Random(3);
        for (int n = 8; n <= 2048; n *= 2) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) x[i] = (float) (1000 * r.nextGaussian() + 300 * Math.sin(0.3 * i));
            float[] power = new float[n / 2];
            new KaldiRealFft(n).powerSpectrum(x, power);
            double peak = 0, maxRelErr = 0;
            double[] exact = new double[n / 2];
            for (int k = 0; k < n / 2; k++) {
                double sr = 0, si = 0;
                for (int t = 0; t < n; t++) {
                    double a = -2 * Math.PI * ((long) k * t % n) / n;
                    sr += x[t] * Math.cos(a);
                    si += x[t] * Math.sin(a);
                }
                exact[k] = sr * sr + si * si;
                peak = Math.max(peak, exact[k]);
            }
            for (int k = 0; k < n / 2; k++) maxRelErr = Math.max(maxRelErr, Math.abs(power[k] - exact[k]) / peak);
            assertTrue(maxRelErr < 1e-5, "n=" + n + " error relative to the peak " + maxRelErr);
        }
    }

    @Test
    void rejectsSizesThatAreNotPowersOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new KaldiRealFft(400));
        assertThrows(IllegalArgumentException.class, () -> new KaldiRealFft(4));
    }
}
