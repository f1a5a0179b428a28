package io.rrs.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seam LoRA uses: every decoder projection can be replaced by name, and the base stays reachable. */
class ProjectionAdapterTest {
    @TempDir
    Path tmp;

    @Test
    void everyDecoderProjectionIsRoutedThroughTheAdapter() throws Exception {
        Qwen2AudioModel model;
        try (PointerScope loading = new PointerScope()) {
            // loading inside a scope that then closes must not free the model's tensors
            model = Qwen2AudioModel.load(TinyModels.write(tmp.resolve("m"), 4));
        }
        ModelInput in = ModelInput.leftPadded(List.of(TinyModels.prompt(new Random(1), 8, 0, 0)), 0);
        Set<String> seen = new TreeSet<>();
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            float[] before = Tensors.toFloats(model.lastTokenHidden(in));
            // pass-through adapter that records names: output unchanged
            model.adaptDecoderProjections((name, base) -> x -> {
                seen.add(name);
                return base.forward(x);
            });
            assertArrayEquals(before, Tensors.toFloats(model.lastTokenHidden(in)));
            assertEquals(2 * 7, seen.size(), seen.toString());
            assertTrue(seen.contains("language_model.model.layers.1.mlp.down_proj"), seen.toString());
            // an adapter that perturbs one projection changes the representation (it is really used)
            model.adaptDecoderProjections((name, base) -> name.endsWith("layers.1.self_attn.v_proj")
                    ? x -> { Tensor y = base.forward(x); return y.add(Tensors.scalar(0.5)); }
                    : base);
            float[] after = Tensors.toFloats(model.lastTokenHidden(in));
            double diff = 0;
            for (int i = 0; i < after.length; i++) diff = Math.max(diff, Math.abs(after[i] - before[i]));
            assertTrue(diff > 1e-3, "perturbing v_proj changed nothing: " + diff);
            // identity restores the base model
            model.adaptDecoderProjections(ProjectionAdapter.identity());
            assertArrayEquals(before, Tensors.toFloats(model.lastTokenHidden(in)));
        }
    }
}
