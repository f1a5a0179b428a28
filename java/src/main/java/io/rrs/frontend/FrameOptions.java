package io.rrs.frontend;

/**
 * How Kaldi cuts a signal into frames and prepares each one before the FFT: the frame part of
 * {@code torchaudio.compliance.kaldi.fbank} (and of kaldi-native-fbank's {@code FrameExtractionOptions}),
 * with torchaudio's defaults. Durations are in milliseconds; sample counts follow torchaudio's
 * {@code int(sample_frequency * ms * 0.001)}.
 *
 * @param sampleFrequency        sample rate of the input in Hz (default 16000)
 * @param frameShiftMs           hop between frame starts (default 10)
 * @param frameLengthMs          frame length (default 25)
 * @param dither                 standard deviation of Gaussian noise added to every frame sample (default 0:
 *                               off). Our generator is seeded and deterministic, but it is not torch's randn,
 *                               so only dither 0 reproduces torchaudio exactly
 * @param ditherSeed             seed of the dither noise; each {@code compute} call and each online stream
 *                               starts from it
 * @param preemphasisCoefficient {@code x[j] -= c * x[j-1]} within each frame, {@code x[-1] = x[0]} (default 0.97)
 * @param removeDcOffset         subtract each frame's mean (default true)
 * @param windowType             analysis window (default povey)
 * @param blackmanCoeff          coefficient of the generalised Blackman window (default 0.42)
 * @param roundToPowerOfTwo      zero-pad each frame to the next power of two for the FFT (default true)
 * @param snipEdges              true: only frames that fit completely in the signal; false: frames centred on
 *                               multiples of the shift, with the signal mirrored at both ends (Kaldi semantics)
 */
public record FrameOptions(
        double sampleFrequency,
        double frameShiftMs,
        double frameLengthMs,
        double dither,
        long ditherSeed,
        double preemphasisCoefficient,
        boolean removeDcOffset,
        KaldiWindowType windowType,
        double blackmanCoeff,
        boolean roundToPowerOfTwo,
        boolean snipEdges) {

    public FrameOptions {
        if (!(sampleFrequency > 0) || Double.isInfinite(sampleFrequency))
            throw new IllegalArgumentException("sample_frequency must be a positive finite rate in Hz, got " + sampleFrequency);
        if (!(frameShiftMs > 0)) throw new IllegalArgumentException("frame_shift must be > 0 ms, got " + frameShiftMs);
        if (!(frameLengthMs > 0)) throw new IllegalArgumentException("frame_length must be > 0 ms, got " + frameLengthMs);
        if (!(dither >= 0) || Double.isInfinite(dither))
            throw new IllegalArgumentException("dither must be >= 0 (0 turns it off), got " + dither);
        if (!(preemphasisCoefficient >= 0 && preemphasisCoefficient <= 1))
            throw new IllegalArgumentException("preemphasis_coefficient must be in [0, 1], got " + preemphasisCoefficient);
        if (windowType == null) throw new IllegalArgumentException("window_type must not be null; use KaldiWindowType.POVEY for Kaldi's default");
        if (!Double.isFinite(blackmanCoeff)) throw new IllegalArgumentException("blackman_coeff must be finite, got " + blackmanCoeff);
        int shift = samples(sampleFrequency, frameShiftMs);
        int size = samples(sampleFrequency, frameLengthMs);
        if (shift < 1)
            throw new IllegalArgumentException("frame_shift " + frameShiftMs + " ms is below one sample at " + sampleFrequency + " Hz; raise it");
        if (size < 2)
            throw new IllegalArgumentException("frame_length " + frameLengthMs + " ms gives " + size + " samples at "
                    + sampleFrequency + " Hz; it must give at least 2");
        int padded = roundToPowerOfTwo ? Integer.highestOneBit(size - 1) << 1 : size;
        if (padded % 2 != 0)
            throw new IllegalArgumentException("frame_length " + frameLengthMs + " ms gives an odd FFT size " + padded
                    + "; set round_to_power_of_two or choose a frame_length with an even sample count");
    }

    /** torchaudio's defaults: 16 kHz, 25 ms frames every 10 ms, no dither, povey window, snip_edges. */
    public static FrameOptions defaults() {
        return new FrameOptions(16000, 10, 25, 0, 0, 0.97, true, KaldiWindowType.POVEY, 0.42, true, true);
    }

    private static int samples(double sampleFrequency, double ms) {
        return (int) (sampleFrequency * ms * 0.001); // torchaudio's order of operations, truncated like int()
    }

    /** Samples between frame starts. */
    public int windowShift() { return samples(sampleFrequency, frameShiftMs); }

    /** Samples per frame. */
    public int windowSize() { return samples(sampleFrequency, frameLengthMs); }

    /** FFT size: the window size, or the next power of two when {@link #roundToPowerOfTwo}. */
    public int paddedWindowSize() {
        int size = windowSize();
        return roundToPowerOfTwo ? Integer.highestOneBit(size - 1) << 1 : size;
    }

    /** Number of frames for a signal of this many samples (Kaldi's NumFrames). */
    public int numFrames(long numSamples) {
        if (numSamples < 0) throw new IllegalArgumentException("numSamples must be >= 0, got " + numSamples);
        int shift = windowShift(), size = windowSize();
        if (snipEdges) return numSamples < size ? 0 : (int) (1 + (numSamples - size) / shift);
        return (int) ((numSamples + shift / 2) / shift);
    }

    /** Index of the first sample of frame {@code frame} (negative when snip_edges is false and it starts in the mirror). */
    public long frameStart(long frame) {
        int shift = windowShift();
        return snipEdges ? frame * shift : frame * shift + shift / 2 - windowSize() / 2;
    }

    public FrameOptions withSampleFrequency(double v) { return new FrameOptions(v, frameShiftMs, frameLengthMs, dither, ditherSeed, preemphasisCoefficient, removeDcOffset, windowType, blackmanCoeff, roundToPowerOfTwo, snipEdges); }
    public FrameOptions withFrameShiftMs(double v) { return new FrameOptions(sampleFrequency, v, frameLengthMs, dither, ditherSeed, preemphasisCoefficient, removeDcOffset, windowType, blackmanCoeff, roundToPowerOfTwo, snipEdges); }
    public FrameOptions withFrameLengthMs(double v) { return new FrameOptions(sampleFrequency, frameShiftMs, v, dither, ditherSeed, preemphasisCoefficient, removeDcOffset, windowType, blackmanCoeff, roundToPowerOfTwo, snipEdges); }
    public FrameOptions withDither(double v) { return new FrameOptions(sampleFrequency, frameShiftMs, frameLengthMs, v, ditherSeed, preemphasisCoefficient, removeDcOffset, windowType, blackmanCoeff, roundToPowerOfTwo, snipEdges); }
    public FrameOptions withDitherSeed(long v) { return new FrameOptions(sampleFrequency, frameShiftMs, frameLengthMs, dither, v, preemphasisCoefficient, removeDcOffset, windowType, blackmanCoeff, roundToPowerOfTwo, snipEdges); }
    public FrameOptions withPreemphasisCoefficient(double v) { return new FrameOptions(sampleFrequency, frameShiftMs, frameLengthMs, dither, ditherSeed, v, removeDcOffset, windowType, blackmanCoeff, roundToPowerOfTwo, snipEdges); }
    public FrameOptions withRemoveDcOffset(boolean v) { return new FrameOptions(sampleFrequency, frameShiftMs, frameLengthMs, dither, ditherSeed, preemphasisCoefficient, v, windowType, blackmanCoeff, roundToPowerOfTwo, snipEdges); }
    public FrameOptions withWindowType(KaldiWindowType v) { return new FrameOptions(sampleFrequency, frameShiftMs, frameLengthMs, dither, ditherSeed, preemphasisCoefficient, removeDcOffset, v, blackmanCoeff, roundToPowerOfTwo, snipEdges); }
    public FrameOptions withBlackmanCoeff(double v) { return new FrameOptions(sampleFrequency, frameShiftMs, frameLengthMs, dither, ditherSeed, preemphasisCoefficient, removeDcOffset, windowType, v, roundToPowerOfTwo, snipEdges); }
    public FrameOptions withRoundToPowerOfTwo(boolean v) { return new FrameOptions(sampleFrequency, frameShiftMs, frameLengthMs, dither, ditherSeed, preemphasisCoefficient, removeDcOffset, windowType, blackmanCoeff, v, snipEdges); }
    public FrameOptions withSnipEdges(boolean v) { return new FrameOptions(sampleFrequency, frameShiftMs, frameLengthMs, dither, ditherSeed, preemphasisCoefficient, removeDcOffset, windowType, blackmanCoeff, roundToPowerOfTwo, v); }
}
