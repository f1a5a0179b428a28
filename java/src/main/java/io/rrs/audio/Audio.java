package io.rrs.audio;

import java.util.Arrays;

/**
 * A mono signal: float samples in [-1, 1] at a sample rate in Hz. Immutable: the constructor and
 * {@link #samples()} copy the array, so nobody can change an {@code Audio} after it is built (the
 * copy costs far less than any model pass that consumes it).
 *
 * @param samples    mono samples; every one finite and within [-1, 1]
 * @param sampleRate samples per second, within [{@link #MIN_SAMPLE_RATE}, {@link #MAX_SAMPLE_RATE}]
 */
public record Audio(float[] samples, int sampleRate) {
    /** Lowest rate accepted anywhere in the runtime: below this no speech survives. */
    public static final int MIN_SAMPLE_RATE = 1_000;
    /** Highest rate accepted: 768 kHz is the largest rate real converters ship. */
    public static final int MAX_SAMPLE_RATE = 768_000;

    public Audio {
        if (samples == null) throw new IllegalArgumentException("samples must not be null");
        if (sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
            throw new IllegalArgumentException("sample rate " + sampleRate + " Hz is outside [" + MIN_SAMPLE_RATE
                    + ", " + MAX_SAMPLE_RATE + "] Hz; pass the rate in Hz (e.g. 16000, not 16)");
        }
        samples = samples.clone();
        for (int i = 0; i < samples.length; i++) {
            float x = samples[i];
            // The negated form also rejects NaN, which fails every comparison.
            if (!(x >= -1f && x <= 1f)) {
                throw new IllegalArgumentException("sample " + i + " is " + x + ", outside [-1, 1]"
                        + (Float.isFinite(x) ? "; scale integer PCM to [-1, 1] (int16: divide by 32768)" : ""));
            }
        }
    }

    /** A copy of the samples. */
    @Override
    public float[] samples() {
        return samples.clone();
    }

    /** Number of samples. */
    public int length() {
        return samples.length;
    }

    /** One sample, without copying the array. */
    public float sample(int index) {
        return samples[index];
    }

    /** Duration in seconds. */
    public double durationSeconds() {
        return samples.length / (double) sampleRate;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Audio a && a.sampleRate == sampleRate && Arrays.equals(a.samples, samples);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(samples) + sampleRate;
    }

    @Override
    public String toString() {
        return String.format("Audio[%d samples, %d Hz, %.3f s]", samples.length, sampleRate, durationSeconds());
    }
}
