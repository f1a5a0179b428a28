package io.rrs.frontend;

/**
 * Kaldi log-mel filterbank features ({@code compute-fbank-feats}, {@code torchaudio.compliance.kaldi.fbank})
 * over a whole signal, in float32. Input is int16-scaled unless the options say otherwise
 * ({@link KaldiFbankOptions#withUnitRangeInput()}, or {@link #computeUnitRange}). Output is
 * [frames][bins (+1 energy column)]. One instance per thread: it owns its scratch buffers.
 * For audio that arrives in pieces, use {@link OnlineKaldiFbank}, which yields the same bits.
 */
public final class KaldiFbank implements FeatureComputer {
    private final KaldiFbankOptions opts;
    private final KaldiFrameProcessor processor;
    /** Built on first use of {@link #computeUnitRange}. */
    private KaldiFbank unitRange;

    public KaldiFbank(KaldiFbankOptions opts) {
        if (opts == null) throw new IllegalArgumentException("options must not be null; use KaldiFbankOptions.defaults()");
        this.opts = opts;
        this.processor = new KaldiFrameProcessor(opts);
    }

    /** torchaudio's defaults with {@code numMelBins} bins (80 is the usual choice for speech models). */
    public static KaldiFbank withMelBins(int numMelBins) {
        return new KaldiFbank(KaldiFbankOptions.defaults().withNumMelBins(numMelBins));
    }

    public KaldiFbankOptions options() { return opts; }

    @Override
    public int numBins() { return opts.numOutputColumns(); }

    @Override
    public int numFrames(int numSamples) { return opts.frame().numFrames(numSamples); }

    /** Features of a signal scaled as the options say (int16 range by default). */
    @Override
    public float[][] compute(float[] samples) {
        if (samples == null) throw new IllegalArgumentException("samples must not be null");
        int frames = numFrames(samples.length);
        float[][] out = new float[frames][numBins()];
        float[] flat = new float[frames * numBins()];
        computeInto(samples, flat);
        for (int i = 0; i < frames; i++) System.arraycopy(flat, i * numBins(), out[i], 0, numBins());
        return out;
    }

    /**
     * Features of a signal in [-1, 1] (e.g. decoded float WAV): the samples are scaled by 32768 on top of
     * the options' input scale, so use this only with options whose input scale is 1.
     */
    public float[][] computeUnitRange(float[] samplesInUnitRange) {
        if (opts.inputScale() != 1f)
            throw new IllegalStateException("computeUnitRange scales by 32768, but the options already scale input by "
                    + opts.inputScale() + "; call compute instead");
        if (unitRange == null) unitRange = new KaldiFbank(opts.withUnitRangeInput());
        return unitRange.compute(samplesInUnitRange);
    }

    /**
     * Writes the features row-major into {@code out} (length at least frames * numBins), avoiding
     * per-row allocation; returns the number of frames.
     */
    public int computeInto(float[] samples, float[] out) {
        if (samples == null) throw new IllegalArgumentException("samples must not be null");
        int frames = numFrames(samples.length);
        int cols = numBins();
        if (out.length < frames * cols)
            throw new IllegalArgumentException("output holds " + out.length + " values but " + frames + " frames x " + cols
                    + " columns are needed; allocate numFrames(n) * numBins()");
        processor.resetDither();
        FrameOptions f = opts.frame();
        for (int i = 0; i < frames; i++) {
            processor.fillFrame(samples, 0, samples.length, f.frameStart(i));
            processor.process(out, i * cols);
        }
        if (opts.subtractMean()) subtractColumnMeans(out, frames, cols);
        return frames;
    }

    /** Subtracts each column's mean (accumulated in double) over {@code frames} rows. */
    static void subtractColumnMeans(float[] rowMajor, int frames, int cols) {
        if (frames == 0) return;
        double[] mean = new double[cols];
        for (int i = 0; i < frames; i++) for (int c = 0; c < cols; c++) mean[c] += rowMajor[i * cols + c];
        for (int c = 0; c < cols; c++) mean[c] /= frames;
        for (int i = 0; i < frames; i++) for (int c = 0; c < cols; c++) rowMajor[i * cols + c] = (float) (rowMajor[i * cols + c] - mean[c]);
    }
}
