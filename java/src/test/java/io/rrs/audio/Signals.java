package io.rrs.audio;

/** Test signals and level measurements for resampler tests. */
final class Signals {
    private Signals() {}

    /** {@code amplitude * sin(2 pi f t + phase)} sampled at {@code rate} for {@code seconds}. */
    static float[] tone(double frequency, double amplitude, double phase, int rate, double seconds) {
        float[] x = new float[(int) Math.round(rate * seconds)];
        for (int i = 0; i < x.length; i++) x[i] = (float) (amplitude * Math.sin(2 * Math.PI * frequency * i / rate + phase));
        return x;
    }

    /** RMS of {@code x} without {@code edge} samples at each end (where the zero-padded filter ramps in). */
    static double rms(float[] x, int edge) {
        double sum = 0;
        for (int i = edge; i < x.length - edge; i++) sum += (double) x[i] * x[i];
        return Math.sqrt(sum / (x.length - 2 * edge));
    }

    /** 10 log10(signal energy / error energy) over the samples away from the edges. */
    static double snrDb(float[] reference, float[] actual, int edge) {
        double signal = 0, error = 0;
        int n = Math.min(reference.length, actual.length);
        for (int i = edge; i < n - edge; i++) {
            signal += (double) reference[i] * reference[i];
            double d = (double) actual[i] - reference[i];
            error += d * d;
        }
        return 10 * Math.log10(signal / error);
    }

    static double db(double ratio) {
        return 20 * Math.log10(ratio);
    }
}
