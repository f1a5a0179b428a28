package io.rrs.frontend;

/**
 * Settings of the Whisper log-mel front-end ({@link WhisperLogMel}), the feature type of the
 * Whisper encoder and therefore of Qwen2-Audio's audio tower. The defaults are openai-whisper's
 * and Hugging Face's {@code WhisperFeatureExtractor}'s: 25 ms periodic Hann window (400 samples),
 * 10 ms hop (160), 16 kHz, 30 s chunks. Only the mel count differs between models: 80 for
 * Whisper up to large-v2, 128 for large-v3 and Qwen2-Audio.
 *
 * @param numMels          mel bins per frame: 80 or 128 (the two counts Whisper checkpoints use)
 * @param fftSize          window and FFT length in samples (Whisper: 400)
 * @param hopLength        frame shift in samples (Whisper: 160)
 * @param sampleRate       input sample rate in Hz; the filter bank spans 0 .. sampleRate/2
 * @param chunkSeconds     length of the model's input window in seconds (Whisper: 30)
 * @param padOrTrim        when true, every input is zero-padded or cut to exactly
 *                         {@code chunkSeconds * sampleRate} samples before the STFT, as
 *                         openai-whisper's {@code pad_or_trim} and Hugging Face's default
 *                         {@code padding="max_length", truncation=True} do; when false, all
 *                         frames of the signal are computed
 */
public record WhisperOptions(int numMels, int fftSize, int hopLength, int sampleRate, int chunkSeconds, boolean padOrTrim) {

    /** Qwen2-Audio's front-end: 128 mels, padded or trimmed to 30 s. */
    public static final WhisperOptions QWEN2_AUDIO = new WhisperOptions(128, 400, 160, 16000, 30, true);

    public WhisperOptions {
        if (numMels != 80 && numMels != 128)
            throw new IllegalArgumentException("numMels = " + numMels + ": Whisper checkpoints use 80 (up to large-v2) or 128 (large-v3, Qwen2-Audio)");
        if (fftSize < 2 || fftSize % 2 != 0)
            throw new IllegalArgumentException("fftSize = " + fftSize + ": must be an even number of samples >= 2 (Whisper uses 400)");
        if (hopLength < 1 || hopLength > fftSize)
            throw new IllegalArgumentException("hopLength = " + hopLength + ": must be in 1.." + fftSize + " (Whisper uses 160)");
        if (sampleRate < 1000)
            throw new IllegalArgumentException("sampleRate = " + sampleRate + " Hz: resample to 16000 Hz first (Whisper's rate)");
        if (chunkSeconds < 1)
            throw new IllegalArgumentException("chunkSeconds = " + chunkSeconds + ": must be >= 1 (Whisper uses 30)");
        if ((long) chunkSeconds * sampleRate > Integer.MAX_VALUE / 2)
            throw new IllegalArgumentException("chunkSeconds * sampleRate = " + (long) chunkSeconds * sampleRate + " samples: too long for one chunk");
        if ((long) chunkSeconds * sampleRate <= fftSize / 2)
            throw new IllegalArgumentException("a " + chunkSeconds + " s chunk has no more than fftSize/2 = " + fftSize / 2 + " samples; the centred STFT's reflect padding needs more");
        // Slaney filters stop at sampleRate/2; fewer FFT bins than mels would leave empty filters.
        if (fftSize / 2 + 1 < numMels)
            throw new IllegalArgumentException("fftSize = " + fftSize + " gives " + (fftSize / 2 + 1) + " frequency bins, fewer than numMels = " + numMels + "; use a larger fftSize");
    }

    /** Whisper's defaults (400/160/16 kHz/30 s) with this many mels and padding to 30 s. */
    public static WhisperOptions ofMels(int numMels) {
        return new WhisperOptions(numMels, 400, 160, 16000, 30, true);
    }

    /** The same settings with the given pad/trim choice. */
    public WhisperOptions withPadOrTrim(boolean value) {
        return new WhisperOptions(numMels, fftSize, hopLength, sampleRate, chunkSeconds, value);
    }

    /** Samples in one model chunk (480000 for 30 s at 16 kHz). */
    public int chunkSamples() {
        return chunkSeconds * sampleRate;
    }

    /** Frames in one model chunk (3000 for 30 s): the STFT's {@code 1 + n/hop} minus the dropped last frame. */
    public int chunkFrames() {
        return chunkSamples() / hopLength;
    }

    /** Frequency bins of the one-sided spectrum ({@code fftSize/2 + 1}, 201 for Whisper). */
    public int numFrequencyBins() {
        return fftSize / 2 + 1;
    }
}
