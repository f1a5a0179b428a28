package io.rrs.bench;

import io.rrs.audio.Resampler;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whole-signal resampling of 60 s of audio to 16 kHz, the front-end's cost before feature
 * extraction. The 44101 Hz case forces the dense-kernel path (a ratio with 16000 phases), for
 * comparison with the precomputed polyphase tables of the common rates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ResamplerBench {
    @Param({"44100", "48000", "8000", "44101"})
    public int inRate;

    private float[] signal;
    private Resampler resampler;

    @Setup
    public void setup() {
        // Noise occupies the whole band, so no shortcut in the data can flatter the timing.
        SplittableRandom random = new SplittableRandom(7);
        signal = new float[60 * inRate];
        for (int i = 0; i < signal.length; i++) signal[i] = (float) (random.nextDouble() - 0.5);
        resampler = Resampler.of(inRate, 16000);
    }

    @Benchmark
    public float[] resampleSixtySecondsTo16k() {
        return resampler.resample(signal);
    }
}
