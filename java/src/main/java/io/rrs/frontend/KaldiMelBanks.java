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
    /**
     * The same banks by FFT bin, used by {@link #apply} when every FFT bin feeds at most two
     * adjacent mel bins (always so for Kaldi's triangles, which share their edges): FFT bin k adds
     * lowWeight[k] to mel bin lo and highWeight[k] to lo + 1, and consecutive FFT bins with the
     * same lo form a segment summed in two registers. One pass over the ~n/2 FFT bins with two
     * independent sums instead of one short loop per mel bin over ~n weights: half the loop
     * overhead and the sums. Null when the banks do not have that shape.
     */
    private final int[] segmentStart;
    private final int[] segmentLowBin;
    private final float[] lowWeight;
    private final float[] highWeight;
    /** Sums of the segment form: one slot past the last bin, for the last segment's (zero) high weight. */
    private final float[] segmentSums;

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

        float[][] dense = dense(paddedWindowSize);
        int[] starts = new int[numFftBins + 1], lows = new int[numFftBins];
        float[] low = new float[numFftBins], high = new float[numFftBins];
        int segments = 0, previousLow = -1;
        boolean twoAdjacent = true;
        for (int k = 0; k < numFftBins && twoAdjacent; k++) {
            int lo = -1, touched = 0;
            for (int b = 0; b < numBins; b++) {
                if (dense[b][k] == 0f) continue;
                if (lo < 0) lo = b;
                touched++;
                twoAdjacent &= b - lo <= 1;
            }
            twoAdjacent &= touched <= 2;
            if (lo < 0) { // no weight: ends the segment
                previousLow = -1;
                continue;
            }
            low[k] = dense[lo][k];
            high[k] = lo + 1 < numBins ? dense[lo + 1][k] : 0f;
            if (lo != previousLow || starts[segments] != k) { // a new segment starts at k
                starts[segments] = k;
                lows[segments++] = lo;
                previousLow = lo;
            }
            starts[segments] = k + 1; // provisional end
        }
        segmentStart = twoAdjacent ? java.util.Arrays.copyOf(starts, segments + 1) : null;
        segmentLowBin = twoAdjacent ? java.util.Arrays.copyOf(lows, segments) : null;
        lowWeight = low;
        highWeight = high;
        segmentSums = new float[numBins + 1];
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
        if (segmentStart != null) {
            applyBySegment(spectrum, out, outOffset);
            return;
        }
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

    private void applyBySegment(float[] spectrum, float[] out, int outOffset) {
        final float[] sums = segmentSums, low = lowWeight, high = highWeight;
        final int[] start = segmentStart, lowBin = segmentLowBin;
        java.util.Arrays.fill(sums, 0f);
        for (int s = 0; s < lowBin.length; s++) {
            float lowSum = 0, highSum = 0;
            for (int k = start[s], end = start[s + 1]; k < end; k++) {
                lowSum += low[k] * spectrum[k];
                highSum += high[k] * spectrum[k];
            }
            sums[lowBin[s]] += lowSum;
            sums[lowBin[s] + 1] += highSum;
        }
        System.arraycopy(sums, 0, out, outOffset, numBins);
    }
}
