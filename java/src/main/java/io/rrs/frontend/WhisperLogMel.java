package io.rrs.frontend;

import java.util.Arrays;
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
 * <p>Speed: window, twiddles, bin-major sparse filters ({@link SlaneyMelFilterBank#applyAll}) and
 * FFT tables are built once. Whisper's 400-point real FFT is hard-coded ({@link WhisperFft400}:
 * prime-factor 8 x 25 over 200 complex points, ~1.2x JTransforms, which has no power-of-two
 * route for 400 = 2^4 * 5^2); other sizes run JTransforms' complex FFT of half the size plus one
 * twiddle pass (its mixed-radix real path is ~1.6x slower). Double precision costs about the same
 * as float here and keeps low-energy bins exact. Logs use a branch-free table ({@link WhisperFastLog10}).
 * Frames made only of zero padding skip the FFT (a 5 s query padded to 30 s costs ~1/6 of a chunk).
 * {@link #extractMelMajor} writes the encoder's layout into a caller-owned buffer without
 * allocating. One instance owns scratch buffers: use one per thread.
 */
public final class WhisperLogMel implements FeatureComputer {
    /** Whisper's clamp before the log: log10(1e-10) = -10 is the value of digital silence. */
    private static final double MIN_MEL_ENERGY = 1e-10;
    /** Whisper keeps 8 decades (80 dB) below the loudest value of the signal. */
    private static final double DYNAMIC_RANGE_LOG10 = 8.0;
    private static final float SILENCE_LOG10 = -10f;

    private final WhisperOptions options;
    private final int fftSize;
    private final int hop;
    private final int halfWindow;
    private final int numMels;
    private final double[] window;
    private final SlaneyMelFilterBank filters;
    /** Hard-coded FFT for Whisper's 400 samples; null for other sizes, which use halfSizeFft (then non-null). */
    private final WhisperFft400 fft400;
    private final DoubleFFT_1D halfSizeFft;
    private final double[] twiddleCos;
    private final double[] twiddleSin;
    private final double[] frame;
    private final double[] power;
    private final double[] melEnergy;
    /** log10 mel energies of the last input, time-major; grows to the longest input seen. */
    private float[] logScratch = new float[0];
    /** Global max - 8 of the last input (set by logMelToScratch). */
    private float floorValue;

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
        this.fft400 = fftSize == WhisperFft400.SIZE ? new WhisperFft400() : null;
        // Other sizes: a real FFT of N as a complex FFT of N/2 plus one twiddle pass; JTransforms'
        // complexForward(200) is ~1.6x faster than its realForward(400) (its mixed-radix real path copies).
        this.halfSizeFft = fft400 == null ? new DoubleFFT_1D(halfWindow) : null;
        this.twiddleCos = new double[halfWindow];
        this.twiddleSin = new double[halfWindow];
        for (int k = 0; k < halfWindow; k++) {
            twiddleCos[k] = Math.cos(2.0 * Math.PI * k / fftSize);
            twiddleSin[k] = Math.sin(2.0 * Math.PI * k / fftSize);
        }
        this.frame = new double[fftSize];
        this.power = new double[options.numFrequencyBins()];
        this.melEnergy = new double[numMels + 2]; // + 2 scratch slots, see SlaneyMelFilterBank.applyAll
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
        int numFrames = logMelToScratch(samples);
        float floor = floorValue;
        float[][] out = new float[numFrames][numMels];
        for (int t = 0; t < numFrames; t++) {
            float[] row = out[t];
            int at = t * numMels;
            for (int m = 0; m < numMels; m++) row[m] = scaled(logScratch[at + m], floor);
        }
        return new WhisperFeatures(out, validFrames(samples.length));
    }

    /**
     * The features in the encoder's [numMels][numFrames] layout, flattened row by row into
     * {@code melMajor} (an ONNX [1, numMels, numFrames] buffer that the caller reuses): no
     * per-call allocation once this instance has seen the longest input.
     *
     * @return the number of valid frames (HF's attention-mask sum)
     */
    public int extractMelMajor(float[] samples, float[] melMajor) {
        if (samples == null) throw new IllegalArgumentException("samples is null");
        if (melMajor == null) throw new IllegalArgumentException("melMajor buffer is null");
        int numFrames = numFrames(samples.length);
        if (melMajor.length < numMels * numFrames)
            throw new IllegalArgumentException("melMajor buffer holds " + melMajor.length + " floats; " + numFrames + " frames x " + numMels + " mels need " + numMels * numFrames);
        logMelToScratch(samples);
        float floor = floorValue;
        for (int m = 0; m < numMels; m++) {
            int row = m * numFrames;
            for (int t = 0; t < numFrames; t++) melMajor[row + t] = scaled(logScratch[t * numMels + m], floor);
        }
        return validFrames(samples.length);
    }

    /** Whisper's final mapping of one log10 value: floor at (global max - 8), then (x + 4) / 4. */
    private static float scaled(float log10, float floor) {
        float v = log10 > floor ? log10 : floor;
        return (v + 4.0f) * 0.25f;
    }

    /**
     * First pass: log10 mel energies of every frame into {@link #logScratch} (time-major) and the
     * floor (global max - 8) into {@link #floorValue}; returns the frame count. The floor needs
     * the maximum over the whole signal, hence two passes.
     */
    private int logMelToScratch(float[] samples) {
        if (samples == null) throw new IllegalArgumentException("samples is null");
        int signalLength = options.padOrTrim() ? options.chunkSamples() : samples.length;
        int realLength = Math.min(samples.length, signalLength);
        if (signalLength <= halfWindow) // only without pad/trim: WhisperOptions keeps chunks longer
            throw new IllegalArgumentException(samples.length + " samples is too short for Whisper log-mel without pad/trim: the centred STFT reflect-pads "
                    + halfWindow + " samples at each end and needs more than " + halfWindow + " (" + (1000.0 * (halfWindow + 1) / options.sampleRate())
                    + " ms); enable WhisperOptions.padOrTrim or pass longer audio");
        int numFrames = numFrames(samples.length);
        if (logScratch.length < numFrames * numMels) logScratch = new float[numFrames * numMels];
        double maxLog = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < numFrames; t++) {
            int start = t * hop - halfWindow;
            int at = t * numMels;
            if (isPaddingOnly(start, realLength, signalLength)) {
                // Zero-padding frames (most of a short clip padded to 30 s) have zero energy: skip the FFT.
                Arrays.fill(logScratch, at, at + numMels, SILENCE_LOG10);
                maxLog = Math.max(maxLog, SILENCE_LOG10);
                continue;
            }
            windowedFrame(samples, realLength, signalLength, start);
            if (fft400 != null) {
                fft400.powerSpectrum(frame, power);
            } else {
                halfSizeFft.complexForward(frame);
                powerSpectrum();
            }
            filters.applyAll(power, melEnergy);
            for (int m = 0; m < numMels; m++) {
                double e = melEnergy[m];
                // NaN fails this test too; the clamp below would turn it into silence unnoticed.
                if (!(e <= Double.MAX_VALUE))
                    throw new IllegalArgumentException("samples around index " + Math.max(0, t * hop) + " contain NaN or infinity; clean the audio first");
                double logE = WhisperFastLog10.log10(e > MIN_MEL_ENERGY ? e : MIN_MEL_ENERGY);
                logScratch[at + m] = (float) logE;
                if (logE > maxLog) maxLog = logE;
            }
        }
        floorValue = (float) (maxLog - DYNAMIC_RANGE_LOG10);
        return numFrames;
    }

    /** True when every sample of the frame, after reflection at the signal's end, is zero padding. */
    private boolean isPaddingOnly(int start, int realLength, int signalLength) {
        if (start < realLength) return false;
        int last = start + fftSize - 1;
        return last < signalLength || 2 * (signalLength - 1) - last >= realLength;
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

    /**
     * |X_k|^2 for k = 0 .. fftSize/2 from {@code Z}, the half-size complex FFT of the frame read as
     * z[n] = x[2n] + i x[2n+1] (interleaved, so the windowed frame needs no reordering). With
     * E and O the spectra of the even and odd samples, E[k] = (Z[k] + conj Z[M-k]) / 2,
     * O[k] = (Z[k] - conj Z[M-k]) / 2i and X[k] = E[k] + e^{-2 pi i k / N} O[k].
     */
    private void powerSpectrum() {
        int half = halfWindow; // M
        double re0 = frame[0], im0 = frame[1];
        power[0] = (re0 + im0) * (re0 + im0); // E[0] + O[0]
        power[half] = (re0 - im0) * (re0 - im0); // E[0] - O[0]: the Nyquist bin
        for (int k = 1; k < half; k++) {
            double zr = frame[2 * k], zi = frame[2 * k + 1];
            double cr = frame[2 * (half - k)], ci = -frame[2 * (half - k) + 1]; // conj Z[M-k]
            double er = 0.5 * (zr + cr), ei = 0.5 * (zi + ci);
            double dr = zr - cr, di = zi - ci; // O[k] = (dr + i di) / 2i = (di - i dr) / 2
            double or = 0.5 * di, oi = -0.5 * dr;
            double wr = twiddleCos[k], wi = twiddleSin[k]; // e^{-2 pi i k / N} = wr - i wi
            double xr = er + or * wr + oi * wi;
            double xi = ei + oi * wr - or * wi;
            power[k] = xr * xr + xi * xi;
        }
    }
}
