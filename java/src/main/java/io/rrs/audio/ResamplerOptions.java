package io.rrs.audio;

/**
 * Filter design of a {@link Resampler}: a Kaiser-windowed sinc low-pass whose transition band runs
 * from {@code passbandFraction} of the lower Nyquist frequency up to that Nyquist frequency, where
 * the stopband attenuation is reached, so nothing above the new Nyquist can alias back.
 *
 * @param passbandFraction      end of the flat passband as a fraction of the lower Nyquist, in
 *                              [0.5, 0.99]; wider passbands need longer filters
 * @param stopbandAttenuationDb attenuation at and above the lower Nyquist, in [40, 160] dB
 * @param maxPhaseTableFloats   largest exact polyphase table (phases x taps) worth precomputing;
 *                              ratios that would need more (e.g. 44101 to 16000 Hz, 16000 phases)
 *                              interpolate a finely sampled kernel instead
 */
public record ResamplerOptions(double passbandFraction, double stopbandAttenuationDb, int maxPhaseTableFloats) {
    /**
     * 92% passband (7.36 kHz at 16 kHz output, above anything a 16 kHz speech model uses) and 90 dB
     * rejection (below 16-bit quantisation noise of a full-scale signal's alias).
     */
    public static final ResamplerOptions DEFAULT = new ResamplerOptions(0.92, 90.0, 1 << 20);

    public ResamplerOptions {
        if (!(passbandFraction >= 0.5 && passbandFraction <= 0.99)) {
            throw new IllegalArgumentException("passbandFraction " + passbandFraction + " is outside [0.5, 0.99]");
        }
        if (!(stopbandAttenuationDb >= 40 && stopbandAttenuationDb <= 160)) {
            throw new IllegalArgumentException("stopbandAttenuationDb " + stopbandAttenuationDb + " is outside [40, 160]");
        }
        if (maxPhaseTableFloats < 1) {
            throw new IllegalArgumentException("maxPhaseTableFloats must be positive, got " + maxPhaseTableFloats);
        }
    }
}
