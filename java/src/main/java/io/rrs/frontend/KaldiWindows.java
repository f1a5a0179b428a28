package io.rrs.frontend;

/** Kaldi's analysis windows (symmetric, as torchaudio's {@code _feature_window_function}), computed in double. */
public final class KaldiWindows {
    private KaldiWindows() {}

    /** The window of {@code size} samples (size >= 2). */
    public static double[] window(KaldiWindowType type, int size, double blackmanCoeff) {
        if (size < 2) throw new IllegalArgumentException("window size must be >= 2, got " + size);
        double[] w = new double[size];
        double a = 2 * Math.PI / (size - 1); // symmetric windows: the last sample mirrors the first
        for (int n = 0; n < size; n++) {
            double c = Math.cos(a * n);
            w[n] = switch (type) {
                case HANNING -> 0.5 - 0.5 * c;
                case POVEY -> Math.pow(0.5 - 0.5 * c, 0.85);
                case HAMMING -> 0.54 - 0.46 * c;
                case RECTANGULAR -> 1.0;
                case BLACKMAN -> blackmanCoeff - 0.5 * c + (0.5 - blackmanCoeff) * Math.cos(2 * a * n);
            };
        }
        return w;
    }

    /** The same window rounded to float, for the float32 frame pipeline. */
    public static float[] windowFloat(KaldiWindowType type, int size, double blackmanCoeff) {
        double[] w = window(type, size, blackmanCoeff);
        float[] f = new float[size];
        for (int i = 0; i < size; i++) f[i] = (float) w[i];
        return f;
    }
}
