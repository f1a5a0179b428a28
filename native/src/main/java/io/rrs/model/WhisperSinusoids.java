package io.rrs.model;

/**
 * The audio tower's positions as Whisper computes them, and as Qwen2-Audio's checkpoint holds them (Hugging Face
 * freezes the table): for position t and channel c < d/2, sin(t / 10000^(c / (d/2 - 1))), and the cosine of the same
 * angle in channel d/2 + c. A model trained from scratch starts from them and keeps them, as the real tower does; a
 * trained random table stayed unordered (neighbouring positions at cosine 0.01 after the hearing stage) and heard no
 * better (docs/pretrain.md, "Voices, not sentences").
 */
public final class WhisperSinusoids {
    private WhisperSinusoids() {}

    /** Row-major [length, channels]; channels must be even and at least 4. */
    public static float[] table(int length, long channels) {
        if (channels < 4 || channels % 2 != 0)
            throw new IllegalArgumentException("the audio tower's d_model must be even and at least 4 for sinusoidal positions, got " + channels);
        int half = (int) (channels / 2);
        double step = Math.log(10000) / (half - 1);
        float[] out = new float[length * (int) channels];
        for (int t = 0; t < length; t++)
            for (int c = 0; c < half; c++) {
                double angle = t * Math.exp(-step * c);
                out[t * (int) channels + c] = (float) Math.sin(angle);
                out[t * (int) channels + half + c] = (float) Math.cos(angle);
            }
        return out;
    }
}
