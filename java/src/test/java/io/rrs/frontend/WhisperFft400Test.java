package io.rrs.frontend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.jtransforms.fft.DoubleFFT_1D;
import org.junit.jupiter.api.Test;

/** The hard-coded 400-point power spectrum against JTransforms' real FFT on random and tonal frames. */
class WhisperFft400Test {
    @Test
    void powerSpectrumMatchesJTransforms() {
        WhisperFft400 fft = new WhisperFft400();
        DoubleFFT_1D reference = new DoubleFFT_1D(400);
        SplittableRandom random = new SplittableRandom(11);
        double worst = 0;
        for (int trial = 0; trial < 200; trial++) {
            double[] frame = new double[400];
            int tone = trial % 201;
            for (int i = 0; i < 400; i++)
                frame[i] = trial < 100 ? random.nextDouble() * 2 - 1 : Math.cos(2 * Math.PI * tone * i / 400.0 + trial);
            double[] expected = frame.clone();
            reference.realForward(expected);
            double[] power = new double[201];
            fft.powerSpectrum(frame.clone(), power);
            double peak = 0;
            for (double p : power) peak = Math.max(peak, p);
            for (int k = 0; k <= 200; k++) {
                double re = k == 200 ? expected[1] : expected[2 * k], im = k == 0 || k == 200 ? 0 : expected[2 * k + 1];
                worst = Math.max(worst, Math.abs(re * re + im * im - power[k]) / peak);
            }
        }
        System.out.printf("WhisperFft400 max |power diff| / frame peak vs JTransforms: %.3g%n", worst);
        assertTrue(worst < 1e-13, "relative power difference " + worst);
    }
}
