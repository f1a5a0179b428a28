package io.rrs.frontend;

/**
 * Whisper log-mel features of one signal with the count of frames that come from real audio, as
 * Hugging Face's {@code WhisperFeatureExtractor(return_attention_mask=True)} returns them
 * (Qwen2-Audio's processor sums that mask to get the audio length the encoder attends to).
 * The matrix is shared with the caller, not copied.
 *
 * @param frames      [numFrames][numMels], time-major like every {@link FeatureComputer}
 * @param validFrames frames that start inside the real (unpadded) audio: {@code ceil(n / hop)}
 *                    for n real samples, capped at the frame count; the rest are padding
 */
public record WhisperFeatures(float[][] frames, int validFrames) {

    public WhisperFeatures {
        if (frames == null) throw new IllegalArgumentException("frames is null");
        if (validFrames < 0 || validFrames > frames.length)
            throw new IllegalArgumentException("validFrames = " + validFrames + " outside 0.." + frames.length + " (the frame count)");
    }

    public int numFrames() {
        return frames.length;
    }

    public int numMels() {
        return frames.length == 0 ? 0 : frames[0].length;
    }

    /** HF's attention mask at frame level: 1 for the first {@link #validFrames} frames, 0 after. */
    public int[] attentionMask() {
        int[] mask = new int[frames.length];
        java.util.Arrays.fill(mask, 0, validFrames, 1);
        return mask;
    }

    /** The [numMels][numFrames] layout the Whisper encoder's conv1 reads. */
    public float[][] melMajor() {
        int mels = numMels();
        float[][] out = new float[mels][frames.length];
        for (int t = 0; t < frames.length; t++) {
            float[] row = frames[t];
            for (int m = 0; m < mels; m++) out[m][t] = row[m];
        }
        return out;
    }

    /** {@link #melMajor} flattened row by row: the buffer of an ONNX [1, numMels, numFrames] tensor. */
    public float[] melMajorFlat() {
        int mels = numMels(), n = frames.length;
        float[] out = new float[mels * n];
        for (int t = 0; t < n; t++) {
            float[] row = frames[t];
            for (int m = 0; m < mels; m++) out[m * n + t] = row[m];
        }
        return out;
    }
}
