package io.rrs.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.model.ModelInput;
import io.rrs.model.Qwen2AudioLayout;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import io.rrs.model.safetensors.SafetensorsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** W + scale * B A equals the trainer's adapter forward (through the ProjectionAdapter seam), and export merges it. */
class ExportLoraMergeTest {
    private static final String[] PROJECTIONS = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
            "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"};
    private static final int RANK = 4;
    private static final double SCALE = 4.0 / 16; // alpha / r of DESIGN section 3

    @TempDir
    Path tmp;

    @Test
    void mergedWeightsGiveTheAdaptedForward() throws Exception {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Path ckpt = TinyCheckpoint.write(tmp.resolve("ckpt"), 3);
            Qwen2AudioModel adapted = Qwen2AudioModel.load(ckpt);
            List<LoraMerge.Adapter> adapters = adapters(adapted, 5);
            ModelInput in = ModelInput.leftPadded(List.of(new long[] {5, 17, 300, 9, 40}, new long[] {7, 8, 1000}), 2042);
            float[] base = Tensors.toFloats(adapted.forward(in).logits());
            adapted.adaptDecoderProjections(Exporter.applying(adapters));
            float[] withAdapters = Tensors.toFloats(adapted.forward(in).logits());
            Qwen2AudioModel merged = new Qwen2AudioModel(adapted.config(), LoraMerge.merge(adapted.weights(), adapters));
            float[] fromMerge = Tensors.toFloats(merged.forward(in).logits());
            long[] mask = Tensors.toLongs(in.attentionMask());
            int vocab = adapted.config().text().vocabSize();
            assertTrue(maxDiff(base, withAdapters, mask, vocab) > 1e-2, "the adapters change nothing; the comparison below would prove nothing");
            assertTrue(maxDiff(withAdapters, fromMerge, mask, vocab) <= 1e-4, "merged vs adapted: " + maxDiff(withAdapters, fromMerge, mask, vocab));
        }
    }

    @Test
    void mergeRefusesAdaptersThatDoNotFit() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            Qwen2AudioModel m = Qwen2AudioModel.load(TinyCheckpoint.write(tmp.resolve("ckpt"), 3));
            String q = Qwen2AudioLayout.TEXT + "layers.0.self_attn.q_proj";
            Tensor a = Tensors.floats(new float[RANK * 48], RANK, 48), b = Tensors.floats(new float[48 * RANK], 48, RANK);
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> LoraMerge.merge(m.weights(), List.of(new LoraMerge.Adapter("audio_tower.layers.0.fc1", a, b, 1))));
            assertTrue(unknown.getMessage().contains("audio_tower.layers.0.fc1"), unknown.getMessage());
            Tensor wrongB = Tensors.floats(new float[16 * RANK], 16, RANK); // k_proj is [16, 48], q_proj [48, 48]
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> LoraMerge.merge(m.weights(), List.of(new LoraMerge.Adapter(q, a, wrongB, 1))));
            assertTrue(shape.getMessage().contains("[16, 48]") && shape.getMessage().contains("another model size"), shape.getMessage());
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                    () -> LoraMerge.merge(m.weights(), List.of(new LoraMerge.Adapter(q, a, b, 1), new LoraMerge.Adapter(q, a, b, 1))));
            assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
        }
    }

    @Test
    void exportOfBasePlusPeftAdaptersPassesParityAgainstTheAdaptedModel() throws Exception {
        Path ckpt = TinyCheckpoint.write(tmp.resolve("ckpt"), 3);
        Path lora = tmp.resolve("lora");
        Files.createDirectories(lora);
        Files.writeString(lora.resolve(PeftAdapters.CONFIG), "{\"r\": " + RANK + ", \"lora_alpha\": 1.0, \"target_modules\": [\"q_proj\"]}");
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (LoraMerge.Adapter a : adapters(Qwen2AudioModel.load(ckpt), 9)) {
                tensors.put("base_model.model." + a.projection() + ".lora_A.weight", a.a());
                tensors.put("base_model.model." + a.projection() + ".lora_B.weight", a.b());
            }
            SafetensorsWriter.write(lora.resolve(PeftAdapters.WEIGHTS), tensors);
        }
        Exporter.Result r = Exporter.export(ExportOptions.of(ckpt, tmp.resolve("out")).withLora(lora));
        assertTrue(r.parity().maxDiff() <= 1e-4, r.parity().table());
        assertEquals(lora.toString(), new ObjectMapper().readTree(r.manifest().toFile()).path("lora").asText());
        assertEquals(2 * PROJECTIONS.length, PeftAdapters.read(lora).size());
    }

    /** Random A and B (B nonzero, unlike a fresh LoRA, so the adapters matter) for every decoder projection. */
    private static List<LoraMerge.Adapter> adapters(Qwen2AudioModel m, long seed) {
        Random rnd = new Random(seed);
        List<LoraMerge.Adapter> out = new ArrayList<>();
        for (int layer = 0; layer < m.config().text().numHiddenLayers(); layer++)
            for (String p : PROJECTIONS) {
                var base = m.textDecoder().layers().get(layer).baseProjection(p);
                int in = (int) base.inFeatures(), outF = (int) base.outFeatures();
                out.add(new LoraMerge.Adapter(Qwen2AudioLayout.TEXT + "layers." + layer + "." + p,
                        Tensors.keep(Tensors.floats(gaussian(rnd, RANK * in, 0.3), RANK, in)),
                        Tensors.keep(Tensors.floats(gaussian(rnd, outF * RANK, 0.3), outF, RANK)), SCALE));
            }
        return out;
    }

    private static float[] gaussian(Random rnd, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (std * rnd.nextGaussian());
        return v;
    }

    /** Max |a - b| over real tokens (mask 1), rows of {@code vocab} logits. */
    private static double maxDiff(float[] a, float[] b, long[] mask, int vocab) {
        double m = 0;
        for (int t = 0; t < mask.length; t++) {
            if (mask[t] == 0) continue;
            for (int v = 0; v < vocab; v++) m = Math.max(m, Math.abs(a[t * vocab + v] - b[t * vocab + v]));
        }
        return m;
    }
}
