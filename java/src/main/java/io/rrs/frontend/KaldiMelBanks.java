package io.rrs.frontend;

/**
 * Kaldi's triangular mel filterbank over the FFT bins of one frame (mel = 1127 ln(1 + f/700)),
 * with optional VTLN warping of the bin edges, stored sparsely: per bin the first FFT bin it
 * touches and its run of weights. The Nyquist FFT bin never carries weight (as in Kaldi).
 * Weights are computed in double and kept as float for the float32 pipeline.
 */
public final class KaldiMelBanks {
    private final int numBins;
    private final int[] firstFftBin;
    private final int[] weightOffset;
    private final int[] weightCount;
    private final float[] weights;
    private final double[] centerFrequencies;

    /** Builds the banks for an FFT of {@code paddedWindowSize} points (even) at {@code sampleFrequency}. */
    public KaldiMelBanks(MelBankOptions opts, int paddedWindowSize, double sampleFrequency) {
        if (paddedWindowSize < 2 || paddedWindowSize % 2 != 0)
            throw new IllegalArgumentException("paddedWindowSize must be even and >= 2, got " + paddedWindowSize);
        opts.validateFor(sampleFrequency);
        numBins = opts.numBins();
        int numFftBins = paddedWindowSize / 2;
        double lowFreq = opts.lowFreq();
        double highFreq = opts.resolvedHighFreq(sampleFrequency);
        double vtlnHigh = opts.resolvedVtlnHigh(sampleFrequency);
        double warp = opts.vtlnWarp();
        double fftBinWidth = sampleFrequency / paddedWindowSize;
        double melLow = mel(lowFreq), melHigh = mel(highFreq);
        double melDelta = (melHigh - melLow) / (numBins + 1); // +1: the outer bins spread half a bin past the edges

        double[] fftMel = new double[numFftBins];
        for (int k = 0; k < numFftBins; k++) fftMel[k] = mel(fftBinWidth * k);

        firstFftBin = new int[numBins];
        weightOffset = new int[numBins];
        weightCount = new int[numBins];
        centerFrequencies = new double[numBins];
        float[] all = new float[numBins * numFftBins];
        int used = 0;
        double[] row = new double[numFftBins];
        for (int b = 0; b < numBins; b++) {
            double left = melLow + b * melDelta, center = melLow + (b + 1) * melDelta, right = melLow + (b + 2) * melDelta;
            if (warp != 1.0) {
                left = warpMel(opts.vtlnLow(), vtlnHigh, lowFreq, highFreq, warp, left);
                center = warpMel(opts.vtlnLow(), vtlnHigh, lowFreq, highFreq, warp, center);
                right = warpMel(opts.vtlnLow(), vtlnHigh, lowFreq, highFreq, warp, right);
            }
            centerFrequencies[b] = inverseMel(center);
            int first = -1, last = -1;
            for (int k = 0; k < numFftBins; k++) {
                double m = fftMel[k], w = 0;
                if (m > left && m <= center) w = (m - left) / (center - left);
                else if (m > center && m < right) w = (right - m) / (right - center);
                row[k] = w;
                if (w > 0) {
                    if (first < 0) first = k;
                    last = k;
                }
            }
            if (first < 0) { // an empty bin (possible only with extreme options): keep a zero-length run
                first = 0;
                last = -1;
            }
            firstFftBin[b] = first;
            weightOffset[b] = used;
            weightCount[b] = last - first + 1;
            for (int k = first; k <= last; k++) all[used++] = (float) row[k];
        }
        weights = java.util.Arrays.copyOf(all, used);
    }

    public static double mel(double hz) { return 1127.0 * Math.log(1.0 + hz / 700.0); }

    public static double inverseMel(double mel) { return 700.0 * (Math.exp(mel / 1127.0) - 1.0); }

    /**
     * Kaldi's VTLN warp of a frequency: piecewise linear with slope 1/warp between the inflection
     * points, chosen so that lowFreq and highFreq map to themselves.
     */
    public static double warpFreq(double vtlnLow, double vtlnHigh, double lowFreq, double highFreq, double warp, double freq) {
        if (freq < lowFreq || freq > highFreq) return freq;
        double l = vtlnLow * Math.max(1.0, warp);
        double h = vtlnHigh * Math.min(1.0, warp);
        double scale = 1.0 / warp;
        if (freq < l) return lowFreq + (scale * l - lowFreq) / (l - lowFreq) * (freq - lowFreq);
        if (freq < h) return scale * freq;
        return highFreq + (highFreq - scale * h) / (highFreq - h) * (freq - highFreq);
    }

    static double warpMel(double vtlnLow, double vtlnHigh, double lowFreq, double highFreq, double warp, double mel) {
        return mel(warpFreq(vtlnLow, vtlnHigh, lowFreq, highFreq, warp, inverseMel(mel)));
    }

    public int numBins() { return numBins; }

    /** Centre frequency of each bin in Hz (after warping). */
    public double[] centerFrequencies() { return centerFrequencies.clone(); }

    /** The dense weight matrix [numBins][paddedWindowSize/2 + 1], for tests and inspection. */
    public float[][] dense(int paddedWindowSize) {
        float[][] m = new float[numBins][paddedWindowSize / 2 + 1];
        for (int b = 0; b < numBins; b++)
            for (int i = 0; i < weightCount[b]; i++) m[b][firstFftBin[b] + i] = weights[weightOffset[b] + i];
        return m;
    }

    /** Applies the banks to a spectrum (power or magnitude per FFT bin), writing numBins values at {@code out[outOffset]}. */
    public void apply(float[] spectrum, float[] out, int outOffset) {
        final float[] w = weights;
        for (int b = 0; b < numBins; b++) {
            int k = firstFftBin[b], o = weightOffset[b], count = weightCount[b];
            // two accumulators: the sum is latency-bound otherwise
            float s0 = 0, s1 = 0;
            int i = 0;
            for (; i + 1 < count; i += 2) {
                s0 += w[o + i] * spectrum[k + i];
                s1 += w[o + i + 1] * spectrum[k + i + 1];
            }
            if (i < count) s0 += w[o + i] * spectrum[k + i];
            out[outOffset + b] = s0 + s1;
        }
    }
}
