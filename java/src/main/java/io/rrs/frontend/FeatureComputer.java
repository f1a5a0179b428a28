package io.rrs.frontend;

/**
 * One feature type (Kaldi fbank, Whisper log-mel): turns a whole 16 kHz mono signal into a
 * [frames][bins] matrix. Implementations are immutable apart from per-instance scratch buffers,
 * so one instance must not be shared between threads; create one per thread (they are cheap).
 */
public interface FeatureComputer {
    /** Number of values per frame. */
    int numBins();

    /** Number of frames {@link #compute} returns for this many samples. */
    int numFrames(int numSamples);

    /**
     * Computes the features of a whole signal. The sample scale is the one the computer's options
     * document (Kaldi fbank: int16 range unless told otherwise; Whisper: [-1, 1]).
     */
    float[][] compute(float[] samples);
}
