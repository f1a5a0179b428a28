package io.rrs.export;

import io.rrs.model.Qwen2AudioLayout;
import io.rrs.model.Tensors;
import io.rrs.model.Weights;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
     * Base weights with every adapter folded in, all at once (for a libtorch model of the merged weights);
     * the others are shared, not copied. The export uses {@link #lazily} instead.
     */
    public static Weights merge(Weights base, List<Adapter> adapters) {
        Merged m = lazily(base, adapters);
        Map<String, Tensor> out = new LinkedHashMap<>(base.asMap());
        for (String name : m.adapted.keySet()) out.put(name, Tensors.keep(m.get(name)));
        return new Weights(out, base);
    }

    /**
     * The base weights with the adapters to be folded in when each tensor is asked for, so that an export
     * holds one merged tensor at a time beyond the model. Every adapter is checked here, naming it when its
     * projection is unknown, its shape does not fit the weight, or it is given twice.
     */
    public static Merged lazily(Weights base, List<Adapter> adapters) {
        Map<String, Adapter> adapted = new LinkedHashMap<>();
        for (Adapter ad : adapters) {
            String weightName = ad.projection() + ".weight";
            if (adapted.containsKey(weightName))
                throw new IllegalArgumentException("adapter for " + ad.projection() + " given twice; pass one adapter per projection");
            Tensor w = base.getOrNull(weightName);
            if (w == null || !ad.projection().startsWith(Qwen2AudioLayout.TEXT))
                throw new IllegalArgumentException("adapter names " + ad.projection() + ", which is not a decoder projection of this model; "
                        + "expected e.g. " + Qwen2AudioLayout.TEXT + "layers.0.self_attn.q_proj");
            if (w.dim() != 2 || ad.b().size(0) != w.size(0) || ad.a().size(1) != w.size(1))
                throw new IllegalArgumentException("adapter " + ad.projection() + ": B A is [" + ad.b().size(0) + ", " + ad.a().size(1) + "] but the weight is "
                        + Arrays.toString(Tensors.shape(w)) + "; the adapter belongs to another model size");
            adapted.put(weightName, ad);
        }
        return new Merged(base, adapted);
    }

    /** Base weights (in their stored dtype) with adapters folded in on demand. */
    public static final class Merged {
        private final Weights base;
        private final Map<String, Adapter> adapted;

        private Merged(Weights base, Map<String, Adapter> adapted) {
            this.base = base;
            this.adapted = adapted;
        }

        public boolean contains(String name) {
            return base.getOrNull(name) != null;
        }

        /**
         * The tensor {@code name}: an adapted projection as a new float32 tensor W + scale B A (computed in
         * float32 whatever the checkpoint's dtype), anything else the base's as stored.
         */
        public Tensor get(String name) {
            Tensor w = base.get(name);
            Adapter ad = adapted.get(name);
            if (ad == null) return w;
            Tensor delta = ad.b().to(ScalarType.Float).mm(ad.a().to(ScalarType.Float)).mul(Tensors.scalar(ad.scale()));
            return w.to(ScalarType.Float).add(delta).contiguous();
        }
    }
}
