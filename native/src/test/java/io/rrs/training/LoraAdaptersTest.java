package io.rrs.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.model.ModelInput;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA on the model's projection seam: placement, initialisation, dropout, frozen base, and the names a checkpoint uses. */
class LoraAdaptersTest {
    @TempDir
    Path tmp;

    private static ModelInput textInput() {
        return ModelInput.leftPadded(List.of(new long[] {5, 17, 300, 41, 9, 1200, 77}, new long[] {40, 2, 9}), 2042);
    }

    @Test
    void adaptersCoverEveryDecoderProjectionAndStartAsTheIdentity() throws Exception {
        Qwen2AudioModel model = Qwen2AudioModel.load(TrainingFixtures.model(tmp.resolve("m"), 3));
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            float[] base = Tensors.toFloats(model.lastTokenHidden(textInput()));
            torch.manual_seed(1);
            LoraAdapters lora = LoraAdapters.attach(model, LoraConfig.DEFAULT);
            assertEquals(7 * TrainingFixtures.LAYERS, lora.adapters().size());
            Map<String, Tensor> params = lora.parameters();
            Tensor a = params.get("language_model.model.layers.1.mlp.down_proj.lora_A.weight");
            Tensor b = params.get("language_model.model.layers.1.mlp.down_proj.lora_B.weight");
            assertArrayEquals(new long[] {16, 96}, Tensors.shape(a)); // rank x in (intermediate)
            assertArrayEquals(new long[] {48, 16}, Tensors.shape(b)); // out x rank
            assertTrue(a.requires_grad() && b.requires_grad());
            double bound = 1 / Math.sqrt(96);
            assertTrue(a.abs().max().item_double() <= bound && a.abs().max().item_double() > 0.5 * bound, "A ~ U(-1/sqrt(in), 1/sqrt(in))");
            assertEquals(0.0, b.abs().max().item_double());
            assertFalse(model.weights().get("language_model.model.layers.1.mlp.down_proj.weight").requires_grad(), "base weights stay frozen");
            lora.train(false);
            assertArrayEquals(base, Tensors.toFloats(model.lastTokenHidden(textInput())), "B = 0: the adapted model equals the base");

            // A non-zero B changes the output by exactly s * x A^T B^T: compare with the merged weight W + s B A.
            b.detach().copy_(torch.randn(48, 16).mul(Tensors.scalar(0.05)));
            float[] adapted = Tensors.toFloats(model.lastTokenHidden(textInput()));
            double change = 0;
            for (int i = 0; i < base.length; i++) change = Math.max(change, Math.abs(adapted[i] - base[i]));
            assertTrue(change > 1e-4, "a trained adapter must change h(x): " + change);
            // The same model with the merged weight W + s B A in that one projection (weights are read-only maps: no in-place edit).
            Tensor merged = model.weights().get("language_model.model.layers.1.mlp.down_proj.weight")
                    .add(b.mm(a).mul(Tensors.scalar(LoraConfig.DEFAULT.scale())));
            model.adaptDecoderProjections((name, proj) -> name.equals("language_model.model.layers.1.mlp.down_proj")
                    ? x -> torch.linear(x, merged) : proj);
            assertArrayEquals(adapted, Tensors.toFloats(model.lastTokenHidden(textInput())), 1e-5f, "LoRA forward = merged weight");
        }
    }

    @Test
    void dropoutActsOnlyInTrainingAndFollowsTheSeed() throws Exception {
        Qwen2AudioModel model = Qwen2AudioModel.load(TrainingFixtures.model(tmp.resolve("m"), 4));
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            torch.manual_seed(2);
            LoraAdapters lora = LoraAdapters.attach(model, new LoraConfig(4, 4, 0.5));
            for (LoraAdapters.Adapter ad : lora.adapters()) ad.b().detach().copy_(torch.randn(ad.b().size(0), 4).mul(Tensors.scalar(0.1)));
            lora.train(false);
            float[] eval1 = Tensors.toFloats(model.lastTokenHidden(textInput()));
            assertArrayEquals(eval1, Tensors.toFloats(model.lastTokenHidden(textInput())), "no dropout in evaluation");
            lora.train(true);
            torch.manual_seed(7);
            float[] train1 = Tensors.toFloats(model.lastTokenHidden(textInput()));
            torch.manual_seed(7);
            float[] train2 = Tensors.toFloats(model.lastTokenHidden(textInput()));
            torch.manual_seed(8);
            float[] train3 = Tensors.toFloats(model.lastTokenHidden(textInput()));
            assertArrayEquals(train1, train2, "same seed, same dropout masks");
            assertFalse(java.util.Arrays.equals(train1, train3), "another seed gives other masks");
            assertFalse(java.util.Arrays.equals(train1, eval1), "dropout changes the training forward pass");
        }
    }

    @Test
    void loadingRefusesAdaptersOfAnotherShape() throws Exception {
        Qwen2AudioModel model = Qwen2AudioModel.load(TrainingFixtures.model(tmp.resolve("m"), 5));
        LoraAdapters lora = LoraAdapters.attach(model, new LoraConfig(4, 4, 0));
        Map<String, Tensor> other = new java.util.LinkedHashMap<>(lora.parameters());
        String name = "language_model.model.layers.0.self_attn.q_proj.lora_A.weight";
        other.put(name, torch.zeros(8, 48));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lora.load(other, "x.safetensors"));
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains("x.safetensors"), e.getMessage());
        other.remove(name);
        e = assertThrows(IllegalArgumentException.class, () -> lora.load(other, "x.safetensors"));
        assertTrue(e.getMessage().contains("missing [" + name + "]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LoraConfig(0, 4, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new LoraConfig(16, 4, 1.0));
    }
}
