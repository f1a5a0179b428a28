package io.rrs.frontend;

/**
 * The triangular mel filterbank of Kaldi's fbank, with torchaudio's defaults, including the
 * piecewise-linear VTLN warp of the bin edges.
 *
 * @param numBins  number of triangular bins (default 23; must be > 3)
 * @param lowFreq  lower edge of the first bin in Hz (default 20)
 * @param highFreq upper edge of the last bin in Hz; a value <= 0 is an offset from the Nyquist frequency
 *                 (default 0: Nyquist)
 * @param vtlnLow  lower inflection point of the VTLN warp in Hz (default 100)
 * @param vtlnHigh upper inflection point in Hz; negative is an offset from Nyquist (default -500)
 * @param vtlnWarp warp factor (default 1: no warping)
 */
public record MelBankOptions(int numBins, double lowFreq, double highFreq, double vtlnLow, double vtlnHigh, double vtlnWarp) {

    public MelBankOptions {
        if (numBins <= 3) throw new IllegalArgumentException("num_mel_bins must be > 3, got " + numBins);
        if (!(lowFreq >= 0) || Double.isInfinite(lowFreq)) throw new IllegalArgumentException("low_freq must be >= 0 Hz, got " + lowFreq);
        if (!Double.isFinite(highFreq)) throw new IllegalArgumentException("high_freq must be finite (<= 0 means offset from Nyquist), got " + highFreq);
        if (!Double.isFinite(vtlnLow) || !Double.isFinite(vtlnHigh))
            throw new IllegalArgumentException("vtln_low and vtln_high must be finite, got " + vtlnLow + " and " + vtlnHigh);
        if (!(vtlnWarp > 0) || Double.isInfinite(vtlnWarp)) throw new IllegalArgumentException("vtln_warp must be > 0 (1 = off), got " + vtlnWarp);
    }

    /** torchaudio's defaults: 23 bins from 20 Hz to Nyquist, VTLN off. */
    public static MelBankOptions defaults() {
        return new MelBankOptions(23, 20, 0, 100, -500, 1.0);
    }

    /** The upper edge in Hz once a non-positive value is resolved against the Nyquist frequency. */
    public double resolvedHighFreq(double sampleFrequency) {
        return highFreq <= 0 ? highFreq + 0.5 * sampleFrequency : highFreq;
    }

    /** The upper VTLN inflection point in Hz once a negative value is resolved against Nyquist. */
    public double resolvedVtlnHigh(double sampleFrequency) {
        return vtlnHigh < 0 ? vtlnHigh + 0.5 * sampleFrequency : vtlnHigh;
    }

    /**
     * Checks the frequencies against a sample rate (they cannot be checked without one); throws naming
     * the offending option.
     */
    public void validateFor(double sampleFrequency) {
        double nyquist = 0.5 * sampleFrequency;
        double high = resolvedHighFreq(sampleFrequency);
        if (!(lowFreq < nyquist))
            throw new IllegalArgumentException("low_freq " + lowFreq + " Hz must be below Nyquist " + nyquist + " Hz");
        if (!(high > 0 && high <= nyquist && lowFreq < high))
            throw new IllegalArgumentException("high_freq " + highFreq + " resolves to " + high + " Hz; it must lie in (low_freq "
                    + lowFreq + ", Nyquist " + nyquist + "]");
        if (vtlnWarp != 1.0) {
            double vHigh = resolvedVtlnHigh(sampleFrequency);
            if (!(lowFreq < vtlnLow && vtlnLow < high))
                throw new IllegalArgumentException("vtln_low " + vtlnLow + " Hz must lie strictly between low_freq " + lowFreq
                        + " and high_freq " + high);
            if (!(0 < vHigh && vHigh < high && vtlnLow < vHigh))
                throw new IllegalArgumentException("vtln_high " + vtlnHigh + " resolves to " + vHigh + " Hz; it must lie in (vtln_low "
                        + vtlnLow + ", high_freq " + high + ")");
            double l = vtlnLow * Math.max(1.0, vtlnWarp), h = vHigh * Math.min(1.0, vtlnWarp);
            if (!(l > lowFreq && h < high && l < h))
                throw new IllegalArgumentException("vtln_warp " + vtlnWarp + " moves the VTLN inflection points to " + l + " and " + h
                        + " Hz, outside (low_freq, high_freq); use a warp closer to 1");
        }
    }

    public MelBankOptions withNumBins(int v) { return new MelBankOptions(v, lowFreq, highFreq, vtlnLow, vtlnHigh, vtlnWarp); }
    public MelBankOptions withLowFreq(double v) { return new MelBankOptions(numBins, v, highFreq, vtlnLow, vtlnHigh, vtlnWarp); }
    public MelBankOptions withHighFreq(double v) { return new MelBankOptions(numBins, lowFreq, v, vtlnLow, vtlnHigh, vtlnWarp); }
    public MelBankOptions withVtlnLow(double v) { return new MelBankOptions(numBins, lowFreq, highFreq, v, vtlnHigh, vtlnWarp); }
    public MelBankOptions withVtlnHigh(double v) { return new MelBankOptions(numBins, lowFreq, highFreq, vtlnLow, v, vtlnWarp); }
    public MelBankOptions withVtlnWarp(double v) { return new MelBankOptions(numBins, lowFreq, highFreq, vtlnLow, vtlnHigh, v); }
}
