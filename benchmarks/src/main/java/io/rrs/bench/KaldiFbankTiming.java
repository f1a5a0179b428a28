package io.rrs.bench;

import io.rrs.frontend.KaldiFbank;
import io.rrs.io.Npy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Times KaldiFbank (80 bins, torchaudio defaults) on a given .npy signal, one thread, for
 * benchmarks/kaldi_fbank_vs_torchaudio.py: warms up, then prints the median and best wall-clock
 * and thread-CPU microseconds per frame over the repetitions as {@code key=value} lines.
 * CPU time is reported because the machine may be shared: it excludes time spent descheduled.
 * Usage: KaldiFbankTiming SIGNAL.npy [REPETITIONS] [OUT_FEATURES.npy]
 */
public final class KaldiFbankTiming {
    private KaldiFbankTiming() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: KaldiFbankTiming SIGNAL.npy [REPETITIONS] [OUT_FEATURES.npy]");
            System.exit(2);
        }
        float[] audio = Npy.read(Path.of(args[0])).toFloatArray();
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        KaldiFbank fbank = KaldiFbank.withMelBins(80);
        int frames = fbank.numFrames(audio.length);
        float[] out = new float[frames * fbank.numBins()];
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 10; i++) fbank.computeInto(audio, out); // JIT warm-up
        double[] wall = new double[reps], cpu = new double[reps];
        for (int r = 0; r < reps; r++) {
            long c0 = mx.getCurrentThreadCpuTime(), w0 = System.nanoTime();
            fbank.computeInto(audio, out);
            wall[r] = (System.nanoTime() - w0) / 1e3 / frames;
            cpu[r] = (mx.getCurrentThreadCpuTime() - c0) / 1e3 / frames;
        }
        Arrays.sort(wall);
        Arrays.sort(cpu);
        System.out.printf(Locale.ROOT, "frames=%d%nwall_us_per_frame_median=%.4f%nwall_us_per_frame_best=%.4f%n"
                + "cpu_us_per_frame_median=%.4f%ncpu_us_per_frame_best=%.4f%n", frames, wall[reps / 2], wall[0], cpu[reps / 2], cpu[0]);
        if (args.length > 2) Npy.writeFloat32(Path.of(args[2]), out, frames, fbank.numBins());
    }
}
