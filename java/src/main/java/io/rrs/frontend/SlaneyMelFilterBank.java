package io.rrs.frontend;

import java.util.Arrays;

/**
 * Triangular mel filters on the Slaney mel scale with Slaney area normalisation: the filters
 * librosa's {@code filters.mel} builds by default, which openai-whisper ships as
 * {@code mel_filters.npz} and Hugging Face and torchaudio rebuild
 * ({@code melscale_fbanks(norm="slaney", mel_scale="slaney")}). The scale is linear below
 * 1 kHz (200/3 Hz per mel) and logarithmic above (27 mels per factor 6.4); each filter is scaled
 * by {@code 2 / (upper edge - lower edge)} so that every band holds about the same energy.
 *
 * <p>Stored sparsely, bin-major: adjacent triangles overlap only pairwise, so every FFT bin feeds
 * at most two filters (the one whose falling edge and the one whose rising edge it lies on).
 * {@link #applyAll} therefore costs two multiply-adds per bin, with no per-filter loop (short,
 * variable-length loops cost more in branches than in arithmetic here). Immutable, thread-safe.
 */
public final class SlaneyMelFilterBank {
    private static final double LINEAR_HZ_PER_MEL = 200.0 / 3.0;
    private static final double LOG_REGION_START_HZ = 1000.0;
    private static final double LOG_REGION_START_MEL = LOG_REGION_START_HZ / LINEAR_HZ_PER_MEL; // 15
    private static final double LOG_STEP = Math.log(6.4) / 27.0;

    private final int numMels;
    private final int numFrequencyBins;
    private final int[] firstBin;
    private final double[][] weights;
    /** Per FFT bin: the lower of the (at most two, adjacent) filters it feeds; numMels if none. */
    private final int[] lowerMel;
    private final double[] lowerWeight;
    private final double[] upperWeight;

    /**
     * Filters for a one-sided spectrum of {@code numFrequencyBins} bins spanning 0 .. sampleRate/2
     * (an FFT of size {@code 2 (numFrequencyBins - 1)}), with band edges from {@code minHz} to
     * {@code maxHz}.
     */
    public SlaneyMelFilterBank(int numMels, int numFrequencyBins, double sampleRate, double minHz, double maxHz) {
        if (numMels < 1) throw new IllegalArgumentException("numMels = " + numMels + ": need at least one filter");
        if (numFrequencyBins < 2) throw new IllegalArgumentException("numFrequencyBins = " + numFrequencyBins + ": need at least 2 (an FFT of size >= 2)");
        if (!(sampleRate > 0)) throw new IllegalArgumentException("sampleRate = " + sampleRate + ": must be positive");
        if (!(minHz >= 0 && minHz < maxHz && maxHz <= sampleRate / 2))
            throw new IllegalArgumentException("band " + minHz + " .. " + maxHz + " Hz: need 0 <= minHz < maxHz <= sampleRate/2 = " + sampleRate / 2);
        this.numMels = numMels;
        this.numFrequencyBins = numFrequencyBins;
        this.firstBin = new int[numMels];
        this.weights = new double[numMels][];

        double[] binHz = new double[numFrequencyBins];
        for (int k = 0; k < numFrequencyBins; k++) binHz[k] = k * (sampleRate / 2) / (numFrequencyBins - 1);
        // numMels + 2 edges equally spaced in mel: filter m rises from edge m to m+1 and falls to m+2.
        double melLow = hzToMel(minHz), melHigh = hzToMel(maxHz);
        double[] edgeHz = new double[numMels + 2];
        for (int i = 0; i < edgeHz.length; i++) edgeHz[i] = melToHz(melLow + (melHigh - melLow) * i / (numMels + 1));

        double[] dense = new double[numFrequencyBins];
        for (int m = 0; m < numMels; m++) {
            double lower = edgeHz[m], centre = edgeHz[m + 1], upper = edgeHz[m + 2];
            double areaNorm = 2.0 / (upper - lower);
            int first = -1, last = -1;
            for (int k = 0; k < numFrequencyBins; k++) {
                double rising = (binHz[k] - lower) / (centre - lower);
                double falling = (upper - binHz[k]) / (upper - centre);
                double w = Math.max(0.0, Math.min(rising, falling)) * areaNorm;
                dense[k] = w;
                if (w > 0) {
                    if (first < 0) first = k;
                    last = k;
                }
            }
            // A filter narrower than the bin spacing can be empty (many mels, small FFT); keep it, all zero.
            if (first < 0) {
                firstBin[m] = 0;
                weights[m] = new double[0];
            } else {
                firstBin[m] = first;
                weights[m] = Arrays.copyOfRange(dense, first, last + 1);
            }
        }
        this.lowerMel = new int[numFrequencyBins];
        this.lowerWeight = new double[numFrequencyBins];
        this.upperWeight = new double[numFrequencyBins];
        double[][] full = toDense();
        for (int k = 0; k < numFrequencyBins; k++) {
            int lower = -1;
            for (int m = 0; m < numMels; m++) {
                if (full[m][k] == 0) continue;
                if (lower < 0) lower = m;
                else if (m != lower + 1) throw new IllegalStateException("bin " + k + " feeds non-adjacent filters " + lower + " and " + m);
            }
            lowerMel[k] = lower < 0 ? numMels : lower;
            lowerWeight[k] = lower < 0 ? 0 : full[lower][k];
            upperWeight[k] = lower < 0 || lower + 1 >= numMels ? 0 : full[lower + 1][k];
        }
    }

    /** The filters Whisper uses: 0 .. 8 kHz for an {@code options.fftSize()}-point spectrum. */
    public static SlaneyMelFilterBank forWhisper(WhisperOptions options) {
        return new SlaneyMelFilterBank(options.numMels(), options.numFrequencyBins(), options.sampleRate(), 0.0, options.sampleRate() / 2.0);
    }

    /** Slaney mel of a frequency: linear below 1 kHz, logarithmic above. */
    public static double hzToMel(double hz) {
        if (hz < LOG_REGION_START_HZ) return hz / LINEAR_HZ_PER_MEL;
        return LOG_REGION_START_MEL + Math.log(hz / LOG_REGION_START_HZ) / LOG_STEP;
    }

    /** Inverse of {@link #hzToMel}. */
    public static double melToHz(double mel) {
        if (mel < LOG_REGION_START_MEL) return mel * LINEAR_HZ_PER_MEL;
        return LOG_REGION_START_HZ * Math.exp(LOG_STEP * (mel - LOG_REGION_START_MEL));
    }

    public int numMels() {
        return numMels;
    }

    public int numFrequencyBins() {
        return numFrequencyBins;
    }

    /** Mel energy of one filter: the weighted sum of {@code power[firstBin .. firstBin + len)}. */
    public double apply(int mel, double[] power) {
        double[] w = weights[mel];
        int offset = firstBin[mel];
        double sum = 0;
        for (int i = 0; i < w.length; i++) sum += w[i] * power[offset + i];
        return sum;
    }

    /**
     * All mel energies of one power spectrum: {@code mel[m] = sum_k W[m][k] power[k]}.
     *
     * @param power one-sided power spectrum, {@link #numFrequencyBins} values
     * @param mel   output with room for {@code numMels + 2} values: the last two are scratch slots
     *              that absorb the (zero-weight) writes of bins outside every filter, so the loop
     *              needs no branch
     */
    public void applyAll(double[] power, double[] mel) {
        if (mel.length < numMels + 2) throw new IllegalArgumentException("mel buffer has " + mel.length + " slots; needs numMels + 2 = " + (numMels + 2));
        Arrays.fill(mel, 0.0);
        for (int k = 0; k < numFrequencyBins; k++) {
            double p = power[k];
            int m = lowerMel[k];
            mel[m] += lowerWeight[k] * p;
            mel[m + 1] += upperWeight[k] * p;
        }
    }

    /** The filters as a dense [numMels][numFrequencyBins] matrix (for tests and export). */
    public double[][] toDense() {
        double[][] dense = new double[numMels][numFrequencyBins];
        for (int m = 0; m < numMels; m++) System.arraycopy(weights[m], 0, dense[m], firstBin[m], weights[m].length);
        return dense;
    }
}
