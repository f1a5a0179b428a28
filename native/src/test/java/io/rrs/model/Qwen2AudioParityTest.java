package io.rrs.model;

import io.rrs.query.AudioPositions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rrs.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numerical parity of the Java model against the independent torch reference
 * (src/test/python/qwen2_audio_reference.py) on the same safetensors file: logits and final
 * hidden states within 1e-4 (float32) at every real token, for audio-text, text-only,
 * audio-only and mixed batches, all left-padded.
 */
class Qwen2AudioParityTest {
    static final double TOLERANCE = 1e-4;
    static final int MELS = 16;
    static final int GENERATED = 8;

    @TempDir
    static Path tmp;
    static Qwen2AudioModel model;
    static final Map<String, ModelInput> cases = new LinkedHashMap<>();

    @BeforeAll
    static void setUp() throws Exception {
        Path dir = TinyModels.write(tmp.resolve("model"), 20251128L);
        model = Qwen2AudioModel.load(dir);
        Random rnd = new Random(7);
        // audio-text: instruction text around audio of different lengths (60 and 41 valid frames of 60)
        long[] frames = {60, 41};
        cases.put("audio_text", audioBatch(rnd, frames, 60, new int[] {3, 6}, new int[] {5, 2}));
        // text-only: three questions of different lengths
        cases.put("text_only", ModelInput.leftPadded(List.of(TinyModels.prompt(rnd, 9, 0, 0),
                TinyModels.prompt(rnd, 4, 0, 0), TinyModels.prompt(rnd, 14, 0, 0)), 0));
        // audio-only: chat scaffolding around the audio, no instruction text (odd frame count too)
        cases.put("audio_only", audioBatch(rnd, new long[] {37, 100}, 100, new int[] {2, 2}, new int[] {2, 2}));
        // mixed: one sample with audio, one without (0 valid frames)
        cases.put("mixed", audioBatch(rnd, new long[] {0, 52}, 64, new int[] {7, 3}, new int[] {1, 4}));
    }

    static ModelInput audioBatch(Random rnd, long[] frames, int width, int[] before, int[] after) {
        List<long[]> prompts = new ArrayList<>();
        for (int b = 0; b < frames.length; b++)
            prompts.add(TinyModels.prompt(rnd, before[b], AudioPositions.pooled(frames[b]), after[b]));
        return ModelInput.leftPadded(prompts, 0).withAudio(TinyModels.features(rnd.nextLong(), frames.length, MELS, width, frames), MELS, width, frames);
    }

    @Test
    void matchesIndependentTorchReference() throws Exception {
        assumeTrue(PythonRunner.torchAvailable(), "python3-torch not importable by " + PythonRunner.python());
        List<String> args = new ArrayList<>(List.of("--generate", String.valueOf(GENERATED), tmp.resolve("model").toString()));
        for (Map.Entry<String, ModelInput> c : cases.entrySet()) {
            Path dir = Files.createDirectories(tmp.resolve(c.getKey()));
            ModelInput in = c.getValue();
            int b = (int) in.batchSize(), s = (int) in.length();
            Npy.writeFloat64(dir.resolve("ids.npy"), toDoubles(Tensors.toLongs(in.inputIds())), b, s);
            Npy.writeFloat64(dir.resolve("mask.npy"), toDoubles(Tensors.toLongs(in.attentionMask())), b, s);
            if (in.hasAudio()) {
                Npy.writeFloat32(dir.resolve("features.npy"), Tensors.toFloats(in.audioFeatures()), intShape(in.audioFeatures()));
                Npy.writeFloat64(dir.resolve("frames.npy"), toDoubles(in.audioFrames()), b);
            }
            args.add(dir.toString());
        }
        PythonRunner.run(PythonRunner.script("qwen2_audio_reference.py"), args.toArray(String[]::new));

        StringBuilder report = new StringBuilder();
        for (Map.Entry<String, ModelInput> c : cases.entrySet()) {
            Path dir = tmp.resolve(c.getKey());
            ModelInput in = c.getValue();
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                ModelOutput out = model.forward(in);
                long[] mask = Tensors.toLongs(in.attentionMask());
                double dl = maxDiffAtRealTokens(Tensors.toFloats(out.logits()), Npy.read(dir.resolve("logits.npy")), mask);
                double dh = maxDiffAtRealTokens(Tensors.toFloats(out.hidden()), Npy.read(dir.resolve("hidden.npy")), mask);
                double scale = 0;
                for (float v : Tensors.toFloats(out.logits())) scale = Math.max(scale, Math.abs(v));
                report.append(String.format("%s: logits %.2e, hidden %.2e (max |logit| %.2f)%n", c.getKey(), dl, dh, scale));
                assertTrue(scale > 1, "logits too small for the tolerance to mean anything: " + scale);
                assertTrue(dl <= TOLERANCE, c.getKey() + ": logits differ by " + dl);
                assertTrue(dh <= TOLERANCE, c.getKey() + ": hidden states differ by " + dh);
                // greedy tokens with our cache equal the reference's (its own cache implementation)
                double[] refTokens = Npy.read(dir.resolve("tokens.npy")).data();
                List<Generated> gen = model.generate(in, new GenerationOptions(GENERATED, java.util.Set.of()), true);
                for (int b = 0; b < gen.size(); b++)
                    for (int k = 0; k < GENERATED; k++)
                        assertEquals((long) refTokens[b * GENERATED + k], gen.get(b).tokens()[k], c.getKey() + " sample " + b + " token " + k);
            }
        }
        System.out.print("parity (max abs difference at real tokens)\n" + report);
    }

    @Test
    void lastTokenHiddenIsTheLastColumnOfTheFinalNormStates() {
        ModelInput in = cases.get("audio_text");
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            float[] hidden = Tensors.toFloats(model.forward(in).hidden());
            float[] last = Tensors.toFloats(model.lastTokenHidden(in));
            int b = (int) in.batchSize(), s = (int) in.length(), d = 48;
            assertEquals(b * d, last.length);
            for (int i = 0; i < b; i++)
                for (int j = 0; j < d; j++) assertEquals(hidden[(i * s + s - 1) * d + j], last[i * d + j], 0.0);
        }
    }

    @Test
    void paddingDoesNotChangeASamplesRepresentation() {
        // the same prompt alone and left-padded inside a batch with a longer one
        Random rnd = new Random(11);
        long[] shortPrompt = TinyModels.prompt(rnd, 5, 0, 0), longPrompt = TinyModels.prompt(rnd, 17, 0, 0);
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            float[] alone = Tensors.toFloats(model.lastTokenHidden(ModelInput.leftPadded(List.of(shortPrompt), 0)));
            float[] batched = Tensors.toFloats(model.lastTokenHidden(ModelInput.leftPadded(List.of(longPrompt, shortPrompt), 0)));
            double max = 0;
            for (int j = 0; j < alone.length; j++) max = Math.max(max, Math.abs(alone[j] - batched[alone.length + j]));
            assertTrue(max <= TOLERANCE, "left padding changed the representation by " + max);
        }
    }

    static double maxDiffAtRealTokens(float[] ours, Npy.Array ref, long[] mask) {
        assertEquals(ours.length, ref.data().length, "element count");
        int width = ours.length / mask.length;
        double max = 0;
        for (int pos = 0; pos < mask.length; pos++) {
            if (mask[pos] == 0) continue;
            for (int j = 0; j < width; j++) {
                double d = Math.abs(ours[pos * width + j] - ref.data()[pos * width + j]);
                if (!(d <= max)) max = d; // NaN propagates as a failure
            }
        }
        return max;
    }

    static int[] intShape(org.bytedeco.pytorch.Tensor t) {
        long[] s = Tensors.shape(t);
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) out[i] = (int) s[i];
        return out;
    }

    static double[] toDoubles(long[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }
}
