package io.rrs.export;

import java.util.Arrays;

/**
 * Scope: the guard's decision threshold. The score is the refusal-token probability at the last
 * prompt token, softmax(lm_head h)[refusal], which RRS pushes up for harmful and down for benign
 * inputs. Calibrated on the training representations h(x) of the reshape run: the threshold that
 * maximises balanced accuracy (mean of harmful recall and benign specificity), placed midway between
 * the two scores it separates. Without representations the default {@link #DEFAULT_THRESHOLD} holds.
 */
public final class ThresholdCalibration {
    /** Refuse when the model more likely than not starts with the refusal token. */
    public static final double DEFAULT_THRESHOLD = 0.5;

    /** The chosen threshold and how well it separates the calibration scores. */
    public record Result(double threshold, double balancedAccuracy, int harmful, int benign) {}

    private ThresholdCalibration() {}

    /** Threshold t such that "score >= t" flags harmful; fails naming the empty side. */
    public static Result calibrate(double[] harmfulScores, double[] benignScores) {
        if (harmfulScores.length == 0 || benignScores.length == 0)
            throw new IllegalArgumentException("calibration needs harmful and benign scores; got " + harmfulScores.length + " harmful and "
                    + benignScores.length + " benign");
        double[] h = harmfulScores.clone(), b = benignScores.clone();
        Arrays.sort(h);
        Arrays.sort(b);
        double[] all = new double[h.length + b.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(b, 0, all, h.length, b.length);
        Arrays.sort(all);
        double bestT = all[0], bestAcc = -1;
        // candidates: midpoints between consecutive distinct scores, plus below the smallest
        for (int i = 0; i <= all.length; i++) {
            double t = i == 0 ? Math.nextDown(all[0]) : i == all.length ? Math.nextUp(all[all.length - 1]) : (all[i - 1] + all[i]) / 2;
            if (i > 0 && i < all.length && all[i - 1] == all[i]) continue;
            double recall = (double) (h.length - countBelow(h, t)) / h.length;
            double specificity = (double) countBelow(b, t) / b.length;
            double acc = (recall + specificity) / 2;
            if (acc > bestAcc) {
                bestAcc = acc;
                bestT = t;
            }
        }
        return new Result(bestT, bestAcc, h.length, b.length);
    }

    /** Softmax probability of {@code tokenId} for each row of logits [rows][vocab], in float64. */
    public static double[] tokenProbabilities(float[][] logits, int tokenId) {
        double[] out = new double[logits.length];
        for (int r = 0; r < logits.length; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (float v : logits[r]) max = Math.max(max, v);
            for (float v : logits[r]) sum += Math.exp(v - max);
            out[r] = Math.exp(logits[r][tokenId] - max) / sum;
        }
        return out;
    }

    private static int countBelow(double[] sorted, double t) {
        int n = 0;
        for (double v : sorted) if (v < t) n++;
        return n;
    }
}
