package io.rrs.bench;

import io.rrs.frontend.WhisperLogMel;
import io.rrs.frontend.WhisperOptions;
import io.rrs.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whisper log-mel (Qwen2-Audio: 128 mels) of one 30 s chunk on one thread: the front-end cost of
 * every guard query. Time per op is per 30 s of audio; divide by 3000 frames for the per-frame
 * cost. benchmarks/whisper_logmel_vs_torch.py runs this next to the torch reference.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class WhisperLogMelBench {
    @Param({"128"})
    int mels;

    /** true: Qwen2-Audio's path (pad/trim to 30 s); the input is exactly 30 s, so both give 3000 frames. */
    @Param({"true"})
    boolean padOrTrim;

    /** A mono 16 kHz float .npy to use instead of the synthetic audio (whisper_logmel_vs_torch.py sets it). */
    @Param({""})
    String audioFile;

    private WhisperLogMel logMel;
    private float[] audio;
    private float[] fiveSecondQuery;

    @Setup
    public void setUp() throws IOException {
        logMel = new WhisperLogMel(WhisperOptions.ofMels(mels).withPadOrTrim(padOrTrim));
        audio = audioFile.isEmpty() ? speechLikeAudio(30 * 16000, 42) : Npy.read(Path.of(audioFile)).toFloatArray();
        fiveSecondQuery = java.util.Arrays.copyOf(audio, 5 * 16000);
    }

    @Benchmark
    public float[][] logMel30s() {
        return logMel.compute(audio);
    }

    /** A typical spoken query: 5 s padded to the 30 s chunk (padding frames skip the FFT). */
    @Benchmark
    public float[][] logMel5sPaddedTo30s() {
        return logMel.compute(fiveSecondQuery);
    }

    /** Harmonic bursts with noise and pauses: speech-like spectra, so no bin is trivially silent. */
    static float[] speechLikeAudio(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] out = new float[n];
        double pitch = 120, phase = 0;
        for (int i = 0; i < n; i++) {
            if (i % 3200 == 0) pitch = 90 + random.nextDouble() * 160;
            double t = i / 16000.0;
            boolean voiced = (i / 4800) % 4 != 3;
            phase += 2 * Math.PI * pitch / 16000;
            double s = 0;
            for (int h = 1; h <= 8; h++) s += Math.sin(h * phase) / h;
            double envelope = voiced ? 0.2 * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t)) : 0.0;
            out[i] = (float) (envelope * s + 0.005 * (random.nextDouble() - 0.5));
        }
        return out;
    }
}
