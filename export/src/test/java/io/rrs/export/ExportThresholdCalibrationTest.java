package io.rrs.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The threshold maximises balanced accuracy and sits between the scores it separates. */
class ExportThresholdCalibrationTest {
    @Test
    void separableScoresGetAThresholdBetweenTheClasses() {
        ThresholdCalibration.Result r = ThresholdCalibration.calibrate(new double[] {0.9, 0.7, 0.8}, new double[] {0.1, 0.3, 0.2, 0.25});
        assertEquals(1.0, r.balancedAccuracy());
        assertEquals(0.5, r.threshold(), 1e-12); // midway between 0.3 and 0.7
    }

    @Test
    void overlappingScoresBalanceTheTwoErrors() {
        // one benign score (0.8) above two harmful ones: t = 0.4 keeps all harmful and 2/3 benign (0.833),
        // better than t = 0.825 with 3/5 harmful and all benign (0.8)
        ThresholdCalibration.Result r = ThresholdCalibration.calibrate(new double[] {0.6, 0.7, 0.85, 0.9, 0.95}, new double[] {0.1, 0.2, 0.8});
        assertTrue(r.balancedAccuracy() < 1.0);
        assertEquals((0.5 * (5.0 / 5) + 0.5 * (2.0 / 3)), r.balancedAccuracy(), 1e-12);
        assertEquals(0.4, r.threshold(), 1e-12);
    }

    @Test
    void probabilitiesAreASoftmax() {
        double[] p = ThresholdCalibration.tokenProbabilities(new float[][] {{0f, 0f}, {1000f, 0f}}, 0);
        assertEquals(0.5, p[0], 1e-12);
        assertEquals(1.0, p[1], 1e-12);
    }

    @Test
    void emptySideIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThresholdCalibration.calibrate(new double[] {0.5}, new double[0]));
        assertTrue(e.getMessage().contains("0 benign"), e.getMessage());
    }
}
