package io.rrs.frontend;

import io.rrs.io.Npy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads the cases written by {@code java/src/test/python/kaldi_fbank_reference.py} and compares our
 * features with them under DESIGN.md's rule: bins within 10 nats of the frame's largest reference
 * bin must match to max 5e-3 and mean 5e-5; the others to 1.0. Linear (non-log) output is compared
 * after the same log with the epsilon floor, so the same rule applies.
 */
final class KaldiReferenceCases {
    static final double NEAR_PEAK_NATS = 10.0;
    static final double MAX_TOLERANCE = 5e-3;
    static final double MEAN_TOLERANCE = 5e-5;
    static final double FAR_TOLERANCE = 1.0;
    private static final double LOG_EPS = Math.log(Math.ulp(1.0f));

    record Case(String name, String signal, String mode, String options) {}

    /** Measured differences of one case: strict (near-peak bins and energy) max and mean, loose max. */
    record Diff(String name, int frames, double maxNearPeak, double meanNearPeak, double maxFar, int nearPeakCount) {
        String line() {
            return String.format(Locale.ROOT, "%-45s frames=%4d  near-peak max=%.2e mean=%.2e (n=%d)  far max=%.2e",
                    name, frames, maxNearPeak, meanNearPeak, nearPeakCount, maxFar);
        }
    }

    static List<Case> read(Path dir) throws IOException {
        List<Case> cases = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("manifest.tsv"))) {
            if (line.isBlank()) continue;
            String[] p = line.split("\t", -1);
            cases.add(new Case(p[0], p[1], p[2], p.length > 3 ? p[3] : ""));
        }
        return cases;
    }

    static float[] signal(Path dir, String name) throws IOException {
        return Npy.read(dir.resolve("sig_" + name + ".npy")).toFloatArray();
    }

    /** Runs one case and asserts it; returns the measured differences. */
    static Diff check(Path dir, Case c) throws IOException {
        KaldiFbankOptions opts = KaldiOptionNames.parse(c.options());
        float[] x = signal(dir, c.signal());
        Npy.Array ref = Npy.read(dir.resolve("ref_" + c.name() + ".npy"));
        float[][] ours = new KaldiFbank(opts).compute(x);
        int cols = opts.numOutputColumns();
        assertEquals(ref.rows(), ours.length, c.name() + ": frame count");
        if (ours.length > 0) assertEquals(cols, ref.cols(), c.name() + ": columns");
        if (c.mode().equals("stats")) return checkStatistics(c, ours, ref.data(), cols);

        int melFrom = opts.useEnergy() && !opts.htkCompat() ? 1 : 0;
        int energyCol = opts.useEnergy() ? (opts.htkCompat() ? cols - 1 : 0) : -1;
        // a magnitude spectrum's log is half the power's, so 10 nats of power are 5 nats of magnitude
        double nearPeak = opts.usePower() ? NEAR_PEAK_NATS : NEAR_PEAK_NATS / 2;
        // subtract_mean: which bins are near the peak is decided before the subtraction (on our own
        // plain output, which agrees with the reference there), and each column's mean carries the
        // far bins' float32 noise into every frame; so compare with each column's mean offset
        // removed, and bound that offset by the share of far bins it averages over.
        float[][] plain = opts.subtractMean() ? new KaldiFbank(opts.withSubtractMean(false)).compute(x) : ours;
        KaldiFbankOptions plainOpts = opts.withSubtractMean(false);
        double[] offset = new double[cols];
        int[] farCount = new int[cols];
        boolean[][] near = new boolean[ours.length][cols];
        for (int i = 0; i < ours.length; i++) {
            double peak = Double.NEGATIVE_INFINITY;
            for (int b = melFrom; b < melFrom + opts.mel().numBins(); b++) {
                double v = opts.subtractMean() ? asLog(plainOpts, plain[i][b]) : asLog(opts, ref.data()[i * cols + b]);
                peak = Math.max(peak, v);
            }
            for (int b = 0; b < cols; b++) {
                double v = opts.subtractMean() ? asLog(plainOpts, plain[i][b]) : asLog(opts, ref.data()[i * cols + b]);
                near[i][b] = b == energyCol || v >= peak - nearPeak;
                if (!near[i][b]) farCount[b]++;
                if (opts.subtractMean()) offset[b] += (ours[i][b] - ref.data()[i * cols + b]) / ours.length;
            }
        }
        double maxNear = 0, sumNear = 0, maxFar = 0;
        int nNear = 0;
        for (int i = 0; i < ours.length; i++) {
            for (int b = 0; b < cols; b++) {
                boolean energy = b == energyCol;
                double r = energy ? ref.data()[i * cols + b] : asLog(opts, ref.data()[i * cols + b]);
                double o = energy ? ours[i][b] : asLog(opts, ours[i][b]);
                double d = Math.abs(r - o + (opts.subtractMean() ? -offset[b] : 0));
                if (Double.isNaN(d)) d = Double.POSITIVE_INFINITY;
                if (near[i][b]) {
                    maxNear = Math.max(maxNear, d);
                    sumNear += d;
                    nNear++;
                } else {
                    maxFar = Math.max(maxFar, d);
                }
            }
        }
        for (int b = 0; b < cols && ours.length > 0; b++) {
            double bound = MAX_TOLERANCE + FAR_TOLERANCE * farCount[b] / ours.length;
            assertTrue(Math.abs(offset[b]) <= bound, c.name() + ": column " + b + " mean offset " + offset[b] + " exceeds " + bound);
        }
        Diff diff = new Diff(c.name(), ours.length, maxNear, nNear == 0 ? 0 : sumNear / nNear, maxFar, nNear);
        assertTrue(diff.maxNearPeak() <= MAX_TOLERANCE && diff.meanNearPeak() <= MEAN_TOLERANCE && diff.maxFar() <= FAR_TOLERANCE,
                "outside tolerance: " + diff.line());
        return diff;
    }

    private static double asLog(KaldiFbankOptions opts, double v) {
        return opts.useLogFbank() || opts.subtractMean() ? v : Math.max(Math.log(Math.max(v, 0)), LOG_EPS);
    }

    /**
     * Dithered cases: torch's randn is not our generator, so compare the mean over frames of every
     * column: the overall average must agree closely (0.05 nats), each column loosely (0.8: the
     * narrowest bins hold one or two FFT bins, whose log power has a standard deviation near 1.3,
     * so a 98-frame mean still wanders by about 0.18).
     */
    private static Diff checkStatistics(Case c, float[][] ours, double[] ref, int cols) {
        double maxCol = 0, overall = 0;
        for (int b = 0; b < cols; b++) {
            double so = 0, sr = 0;
            for (int i = 0; i < ours.length; i++) {
                so += ours[i][b];
                sr += ref[i * cols + b];
            }
            double d = (so - sr) / ours.length;
            maxCol = Math.max(maxCol, Math.abs(d));
            overall += d / cols;
        }
        Diff diff = new Diff(c.name() + " (column means)", ours.length, Math.abs(overall), Math.abs(overall), maxCol, cols);
        assertTrue(Math.abs(overall) <= 0.05 && maxCol <= 0.8, "dithered statistics differ: " + diff.line());
        return diff;
    }
}
