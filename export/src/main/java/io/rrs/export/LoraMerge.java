package io.rrs.export;

import io.rrs.model.Qwen2AudioLayout;
import io.rrs.model.Tensors;
import io.rrs.model.Weights;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Scope: folds LoRA adapters into the base weights, W' = W + scale * B A, so the exported graphs
 * are plain projections with no adapter cost at inference. Independent of how the trainer stores
 * its adapters: it takes (projection name, A, B, scale) tuples; the reader of the trainer's LoRA
 * checkpoint produces them ({@link Exporter#adaptersOf} for a reshape run, {@link PeftAdapters} for PEFT).
 */
public final class LoraMerge {
    private LoraMerge() {}

    /**
     * One adapter. {@code projection} is the Hugging Face module name without {@code .weight}
     * (e.g. {@code language_model.model.layers.3.self_attn.q_proj}); A is [r, in], B is [out, r];
     * scale is alpha / r.
     */
    public record Adapter(String projection, Tensor a, Tensor b, double scale) {
        public Adapter {
            if (projection == null || projection.isBlank()) throw new IllegalArgumentException("adapter projection name is empty");
            if (a == null || b == null) throw new IllegalArgumentException("adapter " + projection + ": A and B are required");
            if (a.dim() != 2 || b.dim() != 2 || b.size(1) != a.size(0))
                throw new IllegalArgumentException("adapter " + projection + ": A must be [r, in] and B [out, r], got A " + Arrays.toString(Tensors.shape(a))
                        + " and B " + Arrays.toString(Tensors.shape(b)));
            if (!Double.isFinite(scale)) throw new IllegalArgumentException("adapter " + projection + ": scale must be finite, got " + scale);
        }
    }

    /**
     * Base weights with every adapter folded in (computed in float64, stored float32); the others
     * are shared, not copied. Fails naming the adapter when its projection is unknown, its shape
     * does not fit the weight, or it is given twice.
     */
    public static Weights merge(Weights base, List<Adapter> adapters) {
        Map<String, Tensor> out = new LinkedHashMap<>(base.asMap());
        Set<String> seen = new HashSet<>();
        for (Adapter ad : adapters) {
            String weightName = ad.projection() + ".weight";
            if (!seen.add(ad.projection()))
                throw new IllegalArgumentException("adapter for " + ad.projection() + " given twice; pass one adapter per projection");
            Tensor w = base.getOrNull(weightName);
            if (w == null || !ad.projection().startsWith(Qwen2AudioLayout.TEXT))
                throw new IllegalArgumentException("adapter names " + ad.projection() + ", which is not a decoder projection of this model; "
                        + "expected e.g. " + Qwen2AudioLayout.TEXT + "layers.0.self_attn.q_proj");
            if (w.dim() != 2 || ad.b().size(0) != w.size(0) || ad.a().size(1) != w.size(1))
                throw new IllegalArgumentException("adapter " + ad.projection() + ": B A is [" + ad.b().size(0) + ", " + ad.a().size(1) + "] but the weight is "
                        + Arrays.toString(Tensors.shape(w)) + "; the adapter belongs to another model size");
            Tensor delta = ad.b().to(ScalarType.Double).mm(ad.a().to(ScalarType.Double)).mul(Tensors.scalar(ad.scale()));
            out.put(weightName, Tensors.keep(w.to(ScalarType.Double).add(delta).to(ScalarType.Float).contiguous()));
        }
        return new Weights(out, base);
    }
}
