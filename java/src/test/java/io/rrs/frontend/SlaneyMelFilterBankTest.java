package io.rrs.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Slaney scale and filter shape; exact agreement with torchaudio is in WhisperLogMelLiveTest. */
class SlaneyMelFilterBankTest {

    @Test
    void scaleIsLinearBelow1kHzAndLogarithmicAbove() {
        assertEquals(15.0, SlaneyMelFilterBank.hzToMel(1000), 1e-12);
        assertEquals(3.0, SlaneyMelFilterBank.hzToMel(200), 1e-12);
        assertEquals(15.0 + 27.0, SlaneyMelFilterBank.hzToMel(6400), 1e-9, "27 mels per factor 6.4");
        for (double hz : new double[] {0, 55, 999.9, 1000, 4321, 8000})
            assertEquals(hz, SlaneyMelFilterBank.melToHz(SlaneyMelFilterBank.hzToMel(hz)), 1e-9 * (1 + hz));
    }

    @Test
    void whisperFiltersAreTrianglesWithSlaneyArea() {
        for (int mels : new int[] {80, 128}) {
            SlaneyMelFilterBank bank = SlaneyMelFilterBank.forWhisper(WhisperOptions.ofMels(mels));
            double[][] dense = bank.toDense();
            double melMax = SlaneyMelFilterBank.hzToMel(8000);
            for (int m = 0; m < mels; m++) {
                double lower = SlaneyMelFilterBank.melToHz(melMax * m / (mels + 1));
                double upper = SlaneyMelFilterBank.melToHz(melMax * (m + 2) / (mels + 1));
                double peak = 0;
                for (int k = 0; k < 201; k++) {
                    double hz = k * 40.0;
                    if (hz <= lower || hz >= upper) assertEquals(0.0, dense[m][k], 0.0, "mel " + m + " outside its band at " + hz + " Hz");
                    peak = Math.max(peak, dense[m][k]);
                }
                // Slaney normalisation: the triangle's height is 2 / (upper - lower); a bin may miss the apex.
                assertTrue(peak > 0 && peak <= 2 / (upper - lower) + 1e-15, "mel " + m + " peak " + peak);
                double[] power = new double[201];
                java.util.Arrays.fill(power, 1.0);
                double sum = 0;
                for (double w : dense[m]) sum += w;
                assertEquals(sum, bank.apply(m, power), 1e-15, "sparse apply equals the dense row sum");
            }
        }
    }

    @Test
    void binMajorApplyAllEqualsTheDenseProduct() {
        SlaneyMelFilterBank bank = SlaneyMelFilterBank.forWhisper(WhisperOptions.ofMels(128));
        double[][] dense = bank.toDense();
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        double[] power = new double[201];
        for (int k = 0; k < power.length; k++) power[k] = random.nextDouble() * 100;
        double[] mel = new double[130];
        bank.applyAll(power, mel);
        for (int m = 0; m < 128; m++) {
            double expected = 0;
            for (int k = 0; k < 201; k++) expected += dense[m][k] * power[k];
            assertEquals(expected, mel[m], 1e-12 * expected, "mel " + m);
        }
        assertThrows(IllegalArgumentException.class, () -> bank.applyAll(power, new double[128]));
    }

    @Test
    void invalidBandsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SlaneyMelFilterBank(80, 201, 16000, 0, 9000));
        assertThrows(IllegalArgumentException.class, () -> new SlaneyMelFilterBank(0, 201, 16000, 0, 8000));
    }
}
