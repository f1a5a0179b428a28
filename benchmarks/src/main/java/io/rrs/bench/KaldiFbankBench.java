package io.rrs.bench;

import io.rrs.frontend.KaldiFbank;
import io.rrs.frontend.KaldiFbankOptions;
import io.rrs.frontend.OnlineKaldiFbank;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Kaldi fbank throughput: 80 bins, torchaudio defaults otherwise, on 60 s of 16 kHz speech-like
 * audio, one thread. Scores are microseconds per frame (each invocation computes all 5998 frames);
 * times real time = 10 000 us (one 10 ms hop) / score. Compare with torchaudio through
 * benchmarks/kaldi_fbank_vs_torchaudio.py.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class KaldiFbankBench {
    static final int SAMPLE_RATE = 16000;
    static final int SECONDS = 60;
    /**
     * Frames of 60 s with 25 ms frames every 10 ms and snip_edges: 1 + (960000 - 400) / 160. Without
     * snip_edges there are 6000, so those scores are 0.03% high.
     */
    static final int FRAMES = 5998;

    @Param({"true", "false"})
    public boolean snipEdges;

    private float[] audio;
    private float[] features;
    private KaldiFbank fbank;
    private KaldiFbankOptions options;

    @Setup(Level.Trial)
    public void setUp() {
        audio = speechLike(SAMPLE_RATE * SECONDS, 1);
        options = KaldiFbankOptions.defaults().withNumMelBins(80);
        options = options.withFrame(options.frame().withSnipEdges(snipEdges));
        fbank = new KaldiFbank(options);
        features = new float[fbank.numFrames(audio.length) * fbank.numBins()];
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public float oneShot() {
        fbank.computeInto(audio, features);
        return features[features.length - 1];
    }

    /** Streaming in 20 ms chunks, as a live guard would feed it. */
    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int online20msChunks() {
        OnlineKaldiFbank online = new OnlineKaldiFbank(options);
        int frames = 0;
        for (int pos = 0; pos < audio.length; pos += 320) {
            online.accept(audio, pos, Math.min(320, audio.length - pos));
            frames += online.takeFrames().length;
        }
        online.inputFinished();
        return frames + online.takeFrames().length;
    }

    /** Harmonics with a wandering pitch plus noise, int16 scale: spectrally like voiced speech. */
    static float[] speechLike(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        double phase = 0;
        for (int i = 0; i < n; i++) {
            double f0 = 120 + 60 * Math.sin(2 * Math.PI * i / 8000.0);
            phase += 2 * Math.PI * f0 / SAMPLE_RATE;
            double v = 0;
            for (int h = 1; h <= 8; h++) v += Math.sin(h * phase) / h;
            x[i] = (float) Math.rint(6000 * v + 300 * r.nextGaussian());
        }
        return x;
    }
}
