package io.rrs.frontend;

import org.jtransforms.fft.FloatFFT_1D;

/**
 * Turns one frame of samples into one row of Kaldi fbank features, in float32 (the power-of-two FFT
 * runs in double inside, at no extra cost, see {@link KaldiRealFft}), with every table
 * (window, mel banks, FFT plan) precomputed and every buffer reused. Shared by {@link KaldiFbank}
 * and {@link OnlineKaldiFbank} so that both produce identical bits. Not thread-safe.
 */
final class KaldiFrameProcessor {
    private static final float FLOAT_EPSILON = Math.ulp(1.0f); // Kaldi's floor before every log
    private static final double LOG_FLOAT_EPSILON = Math.log(FLOAT_EPSILON);

    private final KaldiFbankOptions opts;
    private final int windowSize;
    private final int paddedSize;
    private final int numBins;
    private final int melColumn;
    private final int energyColumn;
    private final float[] window;
    private final KaldiMelBanks melBanks;
    /** Hand-written power-of-two FFT when possible, JTransforms for other sizes (round_to_power_of_two=false). */
    private final KaldiRealFft powerOfTwoFft;
    private final FloatFFT_1D generalFft;
    private final float preemphasis;
    private final double preemphasisDouble;
    private final float dither;
    private final KaldiDither ditherNoise;
    private final double logEnergyFloor;
    /** Samples of the current frame, filled by the caller through {@link #frameBuffer()}. */
    private final float[] frame;
    /** FFT input/output (packed real FFT layout). */
    private final float[] fftBuffer;
    /** previous[j] = frame[j - 1] (frame[0] at j = 0), for the preemphasis. */
    private final float[] previous;
    private final float[] spectrum;
    /** Results of {@link #sumAndSumOfSquares} (fields, so the hot loop allocates nothing). */
    private double frameSum;
    private double frameSumOfSquares;

    KaldiFrameProcessor(KaldiFbankOptions opts) {
        this.opts = opts;
        FrameOptions f = opts.frame();
        windowSize = f.windowSize();
        paddedSize = f.paddedWindowSize();
        numBins = opts.mel().numBins();
        melColumn = opts.useEnergy() && !opts.htkCompat() ? 1 : 0;
        energyColumn = opts.useEnergy() ? (opts.htkCompat() ? numBins : 0) : -1;
        window = KaldiWindows.windowFloat(f.windowType(), windowSize, f.blackmanCoeff());
        melBanks = new KaldiMelBanks(opts.mel(), paddedSize, f.sampleFrequency());
        boolean powerOfTwo = paddedSize >= 8 && Integer.bitCount(paddedSize) == 1;
        powerOfTwoFft = powerOfTwo ? new KaldiRealFft(paddedSize) : null;
        generalFft = powerOfTwo ? null : new FloatFFT_1D(paddedSize);
        preemphasis = (float) f.preemphasisCoefficient();
        preemphasisDouble = f.preemphasisCoefficient();
        dither = (float) f.dither();
        ditherNoise = new KaldiDither(f.ditherSeed());
        logEnergyFloor = opts.energyFloor() > 0 ? Math.log(opts.energyFloor()) : Double.NEGATIVE_INFINITY;
        frame = new float[windowSize];
        fftBuffer = new float[paddedSize];
        previous = new float[windowSize];
        spectrum = new float[paddedSize / 2];
    }

    int numColumns() { return opts.numOutputColumns(); }

    /** Restarts the dither sequence (start of a new signal). */
    void resetDither() { ditherNoise.reset(); }

    /**
     * Copies frame samples starting at signal index {@code start} into the frame buffer, scaled by the
     * input scale. Indices outside [0, numSamples) are mirrored as Kaldi does (-1 -> 0, n -> n-1),
     * repeatedly if the signal is shorter than the frame. {@code signal[i - signalOffset]} holds
     * signal index i.
     */
    void fillFrame(float[] signal, long signalOffset, long numSamples, long start) {
        final float scale = opts.inputScale();
        if (start >= 0 && start + windowSize <= numSamples) {
            int from = (int) (start - signalOffset);
            if (scale == 1f) System.arraycopy(signal, from, frame, 0, windowSize);
            else for (int j = 0; j < windowSize; j++) frame[j] = signal[from + j] * scale;
            return;
        }
        for (int j = 0; j < windowSize; j++) {
            long s = start + j;
            while (s < 0 || s >= numSamples) s = s < 0 ? -s - 1 : 2 * numSamples - 1 - s;
            frame[j] = signal[(int) (s - signalOffset)] * scale;
        }
    }

    /** Processes the filled frame buffer (destroying it) into {@code out[outOffset .. outOffset + numColumns)}. */
    void process(float[] out, int outOffset) {
        final float[] x = frame;
        final int n = windowSize;
        if (dither != 0f) ditherNoise.addNoise(x, n, dither);
        // the sum of squares only for a raw energy column (off by default): the sum alone is half the work
        boolean rawEnergyColumn = energyColumn >= 0 && opts.rawEnergy();
        if (rawEnergyColumn) sumAndSumOfSquares(x, n);
        else if (opts.frame().removeDcOffset()) frameSum = sum(x, n);
        double mean = opts.frame().removeDcOffset() ? frameSum / n : 0.0;
        // energy after DC removal, sum (x - mean)^2 = sum x^2 - mean sum x: double keeps the cancellation harmless
        // for int16-scale frames (relative error below 1e-8 even with a DC offset of 10000)
        double energy = rawEnergyColumn ? Math.max(0.0, frameSumOfSquares - mean * frameSum) : 0.0;

        // DC removal, preemphasis (x[-1] taken as x[0]) and window in one pass into the zero-padded FFT buffer:
        // (x[j] - mean) - c (x[j-1] - mean) = fma(-c, x[j-1], x[j]) - (1 - c) mean. The fused multiply-add rounds
        // once, after the cancellation: subtracting the mean first and rounding c x[j-1] separately leaves
        // float noise that lifted the weak bins of tonal input (a chirp's far bins by up to 0.55 nats).
        final float[] buf = fftBuffer;
        final float[] w = window;
        final float c = preemphasis;
        final float dcAfterPreemphasis = (float) ((1 - preemphasisDouble) * mean);
        // x[j - 1] from a shifted copy: C2 (JDK 17) refuses to vectorise a loop that reads one array at two
        // alignments (x[j] and x[j - 1]); with two arrays it does (measured 3.5x faster)
        final float[] prev = previous;
        System.arraycopy(x, 0, prev, 1, n - 1);
        prev[0] = x[0];
        for (int j = 0; j < n; j++) buf[j] = (Math.fma(-c, prev[j], x[j]) - dcAfterPreemphasis) * w[j];
        for (int j = n; j < paddedSize; j++) buf[j] = 0f;
        if (energyColumn >= 0 && !opts.rawEnergy()) energy = sumOfSquares(buf, n);

        final float[] spec = spectrum;
        final int half = paddedSize / 2;
        if (powerOfTwoFft != null) {
            powerOfTwoFft.powerSpectrum(buf, spec);
        } else {
            generalFft.realForward(buf); // packed: buf[0] = X[0], buf[1] = X[n/2], then (re, im) pairs
            spec[0] = buf[0] * buf[0];
            for (int k = 1; k < half; k++) {
                float re = buf[2 * k], im = buf[2 * k + 1];
                spec[k] = re * re + im * im;
            }
        }
        if (!opts.usePower()) for (int k = 0; k < half; k++) spec[k] = (float) Math.sqrt(spec[k]);

        int melStart = outOffset + melColumn;
        melBanks.apply(spec, out, melStart);
        if (opts.useLogFbank()) {
            for (int b = melStart; b < melStart + numBins; b++) {
                float v = out[b]; // a compare instead of Math.max(float), whose NaN/-0 handling costs more; NaN still gives NaN
                out[b] = KaldiMath.log(v < FLOAT_EPSILON ? FLOAT_EPSILON : v);
            }
        }
        if (energyColumn >= 0) {
            double logEnergy = energy > FLOAT_EPSILON ? Math.log(energy) : LOG_FLOAT_EPSILON;
            out[outOffset + energyColumn] = (float) Math.max(logEnergy, logEnergyFloor);
        }
    }

    float[] frameBuffer() { return frame; }

    /** Sum and sum of squares of the frame in one pass, in double, with four accumulators each (a single running sum is latency-bound). */
    private void sumAndSumOfSquares(float[] x, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            double a = x[j], b = x[j + 1], c = x[j + 2], d = x[j + 3];
            s0 += a;
            s1 += b;
            s2 += c;
            s3 += d;
            q0 += a * a;
            q1 += b * b;
            q2 += c * c;
            q3 += d * d;
        }
        for (; j < n; j++) {
            s0 += x[j];
            q0 += (double) x[j] * x[j];
        }
        frameSum = (s0 + s1) + (s2 + s3);
        frameSumOfSquares = (q0 + q1) + (q2 + q3);
    }

    /** Sum of the frame in double, eight accumulators (latency-bound otherwise; measured: four took twice as long). */
    private static double sum(float[] x, int n) {
        double a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0;
        int j = 0;
        for (; j + 7 < n; j += 8) {
            a += x[j];
            b += x[j + 1];
            c += x[j + 2];
            d += x[j + 3];
            e += x[j + 4];
            f += x[j + 5];
            g += x[j + 6];
            h += x[j + 7];
        }
        for (; j < n; j++) a += x[j];
        return ((a + b) + (c + d)) + ((e + f) + (g + h));
    }

    private static double sumOfSquares(float[] x, int n) {
        double a = 0, b = 0, c = 0, d = 0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            a += (double) x[j] * x[j];
            b += (double) x[j + 1] * x[j + 1];
            c += (double) x[j + 2] * x[j + 2];
            d += (double) x[j + 3] * x[j + 3];
        }
        for (; j < n; j++) a += (double) x[j] * x[j];
        return (a + b) + (c + d);
    }
}
