package io.rrs.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights in their stored type, activations in the compute type ({@link Compute}): a bf16 checkpoint is not
 * widened at load, runs in float32 exactly as its widened float32 copy does, and in bfloat16 close to it; the
 * LM head is converted in slices; the prefill computes the last position's logits only; the audio embedding
 * cache changes nothing but how often the tower runs.
 */
class ModelPrecisionTest {
    @TempDir
    Path tmp;

    /** The tiny model's float32 weights, and the same rounded to bf16 (what a bf16 checkpoint of it holds). */
    private Map<String, Tensor> bf16(Map<String, Tensor> weights) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        weights.forEach((n, t) -> out.put(n, t.to(ScalarType.BFloat16)));
        return out;
    }

    private Path checkpoint(String name, Map<String, Tensor> weights) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("config.json"), TinyModels.CONFIG);
        SafetensorsWriter.write(dir.resolve("model.safetensors"), weights);
        return dir;
    }

    private ModelInput input() {
        Random rnd = new Random(5);
        long[] valid = {40, 23};
        long[][] ids = new long[2][];
        for (int b = 0; b < 2; b++) ids[b] = TinyModels.prompt(rnd, 3, io.rrs.query.AudioPositions.pooled(valid[b]), 4);
        return ModelInput.leftPadded(List.of(ids), 0).withAudio(TinyModels.features(9, 2, 16, 100, valid), 16, 100, valid);
    }

    @Test
    void aBf16CheckpointStaysBf16AndRunsInFloat32AsItsWidenedCopy() throws IOException {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Map<String, Tensor> rounded = bf16(TinyModels.randomWeights(TinyModels.config(), 17));
            Path stored = checkpoint("bf16", rounded);
            Map<String, Tensor> widened = new LinkedHashMap<>();
            rounded.forEach((n, t) -> widened.put(n, t.to(ScalarType.Float)));
            Path wide = checkpoint("f32", widened);

            Qwen2AudioModel bf = Qwen2AudioModel.load(stored);
            for (Tensor t : bf.weights().asMap().values()) assertEquals(ScalarType.BFloat16, t.scalar_type().intern(), "kept as stored");
            Qwen2AudioModel f32 = Qwen2AudioModel.load(wide);
            ModelInput in = input();
            ModelOutput a = bf.forward(in), b = f32.forward(in);
            assertEquals(ScalarType.Float, a.logits().scalar_type().intern());
            assertArrayEquals(Tensors.toFloats(b.logits()), Tensors.toFloats(a.logits()), 1e-5f, "float32 compute over bf16 weights");
            assertArrayEquals(Tensors.toFloats(b.hidden()), Tensors.toFloats(a.hidden()), 1e-5f);

            // bfloat16 compute: the same model within bf16 rounding
            Qwen2AudioModel half = Qwen2AudioModel.load(stored, new Compute("cpu", ScalarType.BFloat16));
            float[] h16 = Tensors.toFloats(half.lastTokenHidden(in)), h32 = Tensors.toFloats(f32.lastTokenHidden(in));
            assertTrue(relativeError(h16, h32) < 0.03, "bf16 compute within 3 % of float32: " + relativeError(h16, h32));
            float[] l16 = Tensors.toFloats(half.forward(in).logits()), l32 = Tensors.toFloats(b.logits());
            assertTrue(relativeError(l16, l32) < 0.05, "bf16 logits within 5 %: " + relativeError(l16, l32));
        }
    }

    @Test
    void aConvertedWeightIsUsedInSlicesWithTheSameProduct() {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            torch.manual_seed(3);
            Tensor w = torch.randn(1000, 64).to(ScalarType.BFloat16), bias = torch.randn(1000).to(ScalarType.BFloat16), x = torch.randn(2, 5, 64);
            Tensor whole = torch.linear(x, w.to(ScalarType.Float), Tensors.optional(bias.to(ScalarType.Float)));
            Tensor sliced = new Linear("probe", w, bias).forward(x, 64 * 4 * 300); // 300 rows per slice: 4 slices
            assertArrayEquals(Tensors.shape(whole), Tensors.shape(sliced));
            assertArrayEquals(Tensors.toFloats(whole), Tensors.toFloats(sliced), 1e-5f);
        }
    }

    @Test
    void thePrefillComputesTheLastPositionsLogitsOnly() throws IOException {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Qwen2AudioModel model = Qwen2AudioModel.load(TinyModels.write(tmp.resolve("m"), 23));
            ModelInput in = input();
            Tensor all = model.forward(in).logits();
            Tensor prefill = model.forward(in, model.newCache(in.batchSize(), in.length() + 4)).logits();
            assertArrayEquals(new long[] {in.batchSize(), 1, all.size(2)}, Tensors.shape(prefill));
            assertArrayEquals(Tensors.toFloats(all.narrow(1, in.length() - 1, 1)), Tensors.toFloats(prefill), 1e-5f);
        }
    }

    @Test
    void theAudioEmbeddingCacheRunsTheTowerOncePerClipAndChangesNothing() throws IOException {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Path dir = TinyModels.write(tmp.resolve("m"), 29);
            Qwen2AudioModel plain = Qwen2AudioModel.load(dir), cached = Qwen2AudioModel.load(dir);
            cached.cacheAudioEmbeddings(1 << 20);
            ModelInput in = input();
            float[] expected = Tensors.toFloats(plain.lastTokenHidden(in));
            for (int epoch = 0; epoch < 3; epoch++) assertArrayEquals(expected, Tensors.toFloats(cached.lastTokenHidden(in)), 1e-5f);
            assertArrayEquals(new long[] {4, 2}, cached.audioCacheCounts(), "two clips encoded once, then served four times");
        }
    }

    @Test
    void devicesAndTypesAreParsedAndAnUnreachableDeviceIsRefused() {
        assertEquals(new Compute("cpu", ScalarType.Float), Compute.parse("cpu", "fp32"));
        assertEquals(ScalarType.BFloat16, Compute.parse("cpu", "bf16").dtype());
        assertEquals(ScalarType.Half, Compute.parse("CPU", "float16").dtype());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Compute.parse("tpu", "float32"));
        assertTrue(bad.getMessage().contains("cpu, cuda, cuda:N"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Compute.parse("cpu", "int8"));
        if (!torch.cuda_is_available()) {
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> Compute.parse("cuda:0", "bf16"));
            assertTrue(none.getMessage().contains("--device cpu"), none.getMessage());
        }
    }

    private static double relativeError(float[] a, float[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (double) (a[i] - b[i]);
            den += b[i] * (double) b[i];
        }
        return Math.sqrt(num / den);
    }
}
