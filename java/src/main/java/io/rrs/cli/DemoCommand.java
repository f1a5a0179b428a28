package io.rrs.cli;

import io.rrs.audio.Audio;
import io.rrs.audio.AudioLoader;
import io.rrs.frontend.KaldiFbank;
import io.rrs.frontend.WhisperFeatures;
import io.rrs.frontend.WhisperLogMel;
import io.rrs.frontend.WhisperOptions;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code rrs demo}: the main job on the embedded default. Until the training pipeline lands this
 * runs the front-end on the bundled example question and prints what the model would receive.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the main job on the embedded default (for now: the audio front-end on the bundled example WAV).")
public final class DemoCommand implements Callable<Integer> {
    static final String EXAMPLE = "/io/rrs/example/example.wav";

    @Override
    public Integer call() throws IOException {
        Audio audio;
        try (InputStream in = DemoCommand.class.getResourceAsStream(EXAMPLE)) {
            if (in == null) throw new IOException("bundled example " + EXAMPLE + " is missing from the runtime jar; rebuild with mvn package");
            audio = AudioLoader.load(in, "example.wav");
        }
        System.out.printf("example.wav: %.2f s at %d Hz (\"How do I bake a simple loaf of bread at home?\", espeak-ng)%n",
                audio.durationSeconds(), audio.sampleRate());

        long t0 = System.nanoTime();
        float[][] fbank = KaldiFbank.withMelBins(80).computeUnitRange(audio.samples());
        long t1 = System.nanoTime();
        WhisperFeatures mel = new WhisperLogMel(WhisperOptions.QWEN2_AUDIO).extract(audio.samples());
        long t2 = System.nanoTime();

        summary("kaldi fbank (80 bins)", fbank, fbank.length, (t1 - t0) / 1e6);
        summary("whisper log-mel (128, 30 s window)", mel.frames(), mel.validFrames(), (t2 - t1) / 1e6);
        System.out.println("Next: the aligned model and guard (see README) will screen this query.");
        return 0;
    }

    private static void summary(String name, float[][] m, int valid, double ms) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0;
        long n = 0;
        for (int i = 0; i < valid; i++) {
            for (float v : m[i]) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
                n++;
            }
        }
        System.out.printf("  %-36s %5d frames (%d from audio) x %3d bins, min %7.3f max %7.3f mean %7.3f, %.1f ms%n",
                name, m.length, valid, m.length == 0 ? 0 : m[0].length, min, max, sum / Math.max(1, n), ms);
    }
}
