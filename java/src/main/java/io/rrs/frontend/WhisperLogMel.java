package io.rrs.frontend;

import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Whisper's log-mel spectrogram, equal to openai-whisper's {@code log_mel_spectrogram} and to
 * Hugging Face's {@code WhisperFeatureExtractor} (the front-end of Qwen2-Audio's audio tower).
 * Input: mono 16 kHz samples in [-1, 1]. Per frame: 400 samples centred on {@code t * 160}, the
 * signal reflect-padded by 200 at both ends ({@code torch.stft(center=True, pad_mode="reflect")}),
 * times a periodic Hann window, |FFT|^2, Slaney mel filters ({@link SlaneyMelFilterBank}),
 * {@code log10(max(e, 1e-10))}. The STFT's last frame is dropped (whisper's
 * {@code stft[..., :-1]}), so n samples give {@code n / 160} frames. Then over the whole output:
 * values are floored at (global maximum - 8) and mapped by {@code (x + 4) / 4}.
 *
 * <p><b>Pad/trim</b> ({@link WhisperOptions#padOrTrim()}, the default): the signal is first
 * zero-padded or cut to 30 s (480000 samples, 3000 frames), as HF (padding="max_length") and
 * whisper's {@code log_mel_spectrogram(pad_or_trim(audio))} do. Padding happens before the STFT,
 * so the frames at the end of the real audio see zeros (not reflected audio) and the global
 * maximum is taken over the padded signal. {@link WhisperFeatures#validFrames()} gives HF's
 * attention-mask length, {@code ceil(n / 160)}. Without pad/trim every frame is computed, however
 * long the audio; the reflect padding then needs more than 200 samples (torch.stft fails on
 * fewer); shorter input is rejected with an exception rather than silently zero-padded, since
 * zero-padding would give features that no reference produces.
 *
 * <p>Speed: window, sparse filters and the FFT plan are built once; the FFT is JTransforms'
 * mixed-radix real transform in double precision (400 = 2^4 * 5^2 has no power-of-two route;
 * double costs the same as float here and keeps the low-energy bins exact), and frames are
 * written straight into the output rows. One instance owns scratch buffers: use one per thread.
 */
public final class WhisperLogMel implements FeatureComputer {
    /** Whisper's clamp before the log: log10(1e-10) = -10 is the value of digital silence. */
    private static final double MIN_MEL_ENERGY = 1e-10;
    /** Whisper keeps 8 decades (80 dB) below the loudest value of the signal. */
    private static final double DYNAMIC_RANGE_LOG10 = 8.0;

    private final WhisperOptions options;
    private final int fftSize;
    private final int hop;
    private final int halfWindow;
    private final int numMels;
    private final double[] window;
    private final SlaneyMelFilterBank filters;
    private final DoubleFFT_1D fft;
    private final double[] frame;
    private final double[] power;

    public WhisperLogMel(WhisperOptions options) {
        if (options == null) throw new IllegalArgumentException("options is null; use WhisperOptions.QWEN2_AUDIO for Qwen2-Audio");
        this.options = options;
        this.fftSize = options.fftSize();
        this.hop = options.hopLength();
        this.halfWindow = fftSize / 2;
        this.numMels = options.numMels();
        this.window = new double[fftSize];
        // Periodic Hann (torch.hann_window default): the window of an fftSize+1 symmetric Hann minus its last point.
        for (int i = 0; i < fftSize; i++) window[i] = 0.5 - 0.5 * Math.cos(2.0 * Math.PI * i / fftSize);
        this.filters = SlaneyMelFilterBank.forWhisper(options);
        this.fft = new DoubleFFT_1D(fftSize);
        this.frame = new double[fftSize];
        this.power = new double[options.numFrequencyBins()];
    }

    public WhisperOptions options() {
        return options;
    }

    public SlaneyMelFilterBank filters() {
        return filters;
    }

    @Override
    public int numBins() {
        return numMels;
    }

    @Override
    public int numFrames(int numSamples) {
        if (numSamples < 0) throw new IllegalArgumentException("numSamples = " + numSamples + " is negative");
        return options.padOrTrim() ? options.chunkFrames() : numSamples / hop;
    }

    /** Frames of {@link #numFrames} that start inside the real audio (HF's attention-mask sum). */
    public int validFrames(int numSamples) {
        if (numSamples < 0) throw new IllegalArgumentException("numSamples = " + numSamples + " is negative");
        int real = options.padOrTrim() ? Math.min(numSamples, options.chunkSamples()) : numSamples;
        return Math.min(numFrames(numSamples), (int) (((long) real + hop - 1) / hop));
    }

    /** The [frames][numMels] features; see {@link #extract} for the valid-frame count. */
    @Override
    public float[][] compute(float[] samples) {
        return extract(samples).frames();
    }

    /** The features and the number of frames from real audio (HF's attention mask). */
    public WhisperFeatures extract(float[] samples) {
        if (samples == null) throw new IllegalArgumentException("samples is null");
        int signalLength = options.padOrTrim() ? options.chunkSamples() : samples.length;
        int realLength = Math.min(samples.length, signalLength);
        if (signalLength <= halfWindow)
            throw new IllegalArgumentException(samples.length + " samples is too short for Whisper log-mel without pad/trim: the centred STFT reflect-pads "
                    + halfWindow + " samples at each end and needs more than " + halfWindow + " (" + (1000.0 * (halfWindow + 1) / options.sampleRate())
                    + " ms); enable WhisperOptions.padOrTrim or pass longer audio");
        int numFrames = numFrames(samples.length);
        float[][] out = new float[numFrames][numMels];
        double maxLog = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < numFrames; t++) {
            windowedFrame(samples, realLength, signalLength, t * hop - halfWindow);
            fft.realForward(frame);
            powerSpectrum();
            float[] row = out[t];
            for (int m = 0; m < numMels; m++) {
                double e = filters.apply(m, power);
                // NaN fails this test too; Math.max below would turn it into silence unnoticed.
                if (!(e <= Double.MAX_VALUE))
                    throw new IllegalArgumentException("samples around index " + Math.max(0, t * hop) + " contain NaN or infinity; clean the audio first");
                double logE = FastLog10.log10(e > MIN_MEL_ENERGY ? e : MIN_MEL_ENERGY);
                row[m] = (float) logE;
                if (logE > maxLog) maxLog = logE;
            }
        }
        // Second pass: the floor depends on the maximum over the whole signal.
        float floor = (float) (maxLog - DYNAMIC_RANGE_LOG10);
        for (float[] row : out) {
            for (int m = 0; m < numMels; m++) {
                float v = row[m] > floor ? row[m] : floor;
                row[m] = (v + 4.0f) * 0.25f;
            }
        }
        return new WhisperFeatures(out, validFrames(samples.length));
    }

    /**
     * Fills {@link #frame} with the windowed samples {@code start .. start + fftSize} of the
     * reflect-padded signal. The signal is {@code samples[0 .. realLength)} followed by zeros up
     * to {@code signalLength} (pad/trim); the reflection happens at the signal's ends.
     */
    private void windowedFrame(float[] samples, int realLength, int signalLength, int start) {
        if (start >= 0 && start + fftSize <= realLength) { // interior frame: no padding involved
            for (int i = 0; i < fftSize; i++) frame[i] = samples[start + i] * window[i];
            return;
        }
        for (int i = 0; i < fftSize; i++) {
            int j = start + i;
            if (j < 0) j = -j;
            else if (j >= signalLength) j = 2 * (signalLength - 1) - j;
            frame[i] = j < realLength ? samples[j] * window[i] : 0.0;
        }
    }

    /** |X_k|^2 from JTransforms' packed real-FFT layout (Re0, Re(n/2), Re1, Im1, Re2, Im2, ...). */
    private void powerSpectrum() {
        power[0] = frame[0] * frame[0];
        power[halfWindow] = frame[1] * frame[1];
        for (int k = 1; k < halfWindow; k++) {
            double re = frame[2 * k], im = frame[2 * k + 1];
            power[k] = re * re + im * im;
        }
    }
}
