package io.rrs.model;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * One Qwen2 decoder block: RMSNorm, grouped-query self-attention with rotary positions
 * (q/k/v with bias, o without), residual; RMSNorm, SwiGLU MLP, residual. The seven projections
 * are {@link LinearOp}s so that LoRA can wrap them ({@link #adapt}).
 */
public final class DecoderLayer {
    static final String[] PROJECTIONS = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
            "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"};

    private final int index;
    private final String prefix;
    private final Qwen2AudioConfig.TextConfig config;
    private final Tensor inputNorm, postAttentionNorm;
    private final Linear[] base = new Linear[PROJECTIONS.length];
    private final LinearOp[] ops = new LinearOp[PROJECTIONS.length];

    DecoderLayer(Qwen2AudioConfig.TextConfig config, Weights w, int index) {
        this.index = index;
        this.config = config;
        this.prefix = Qwen2AudioLayout.TEXT + "layers." + index + ".";
        inputNorm = w.get(prefix + "input_layernorm.weight");
        postAttentionNorm = w.get(prefix + "post_attention_layernorm.weight");
        for (int i = 0; i < PROJECTIONS.length; i++) {
            base[i] = Linear.from(w, prefix + PROJECTIONS[i]);
            ops[i] = base[i];
        }
    }

    /** Replaces every projection by what the adapter returns for its base (not for a previous wrap). */
    void adapt(ProjectionAdapter adapter) {
        for (int i = 0; i < PROJECTIONS.length; i++) ops[i] = adapter.adapt(prefix + PROJECTIONS[i], base[i]);
    }

    /**
     * @param x [B, S, hidden]
     * @param cos rotary cosines [B, 1, S, head_dim] (and {@code sin} alike)
     * @param mask boolean [B, 1, S, keys], true where a query may attend
     * @param cache null for a plain forward pass
     */
    Tensor forward(Tensor x, Tensor cos, Tensor sin, Tensor mask, KvCache cache) {
        Tensor h = rmsNorm(x, inputNorm, config.rmsNormEps());
        x = x.add(attention(h, cos, sin, mask, cache));
        h = rmsNorm(x, postAttentionNorm, config.rmsNormEps());
        Tensor gated = torch.silu(ops[4].forward(h)).mul(ops[5].forward(h));
        return x.add(ops[6].forward(gated));
    }

    private Tensor attention(Tensor h, Tensor cos, Tensor sin, Tensor mask, KvCache cache) {
        long batch = h.size(0), seq = h.size(1);
        int heads = config.numAttentionHeads(), kvHeads = config.numKeyValueHeads(), hd = config.headDim();
        Tensor q = ops[0].forward(h).view(batch, seq, heads, hd).transpose(1, 2);
        Tensor k = ops[1].forward(h).view(batch, seq, kvHeads, hd).transpose(1, 2);
        Tensor v = ops[2].forward(h).view(batch, seq, kvHeads, hd).transpose(1, 2);
        q = RotaryEmbedding.apply(q, cos, sin);
        k = RotaryEmbedding.apply(k, cos, sin);
        if (cache != null) {
            Tensor[] kv = cache.write(index, k, v);
            k = kv[0];
            v = kv[1];
        }
        int groups = heads / kvHeads;
        if (groups > 1) {
            // each key/value head serves `groups` consecutive query heads
            k = k.repeat_interleave(groups, new LongOptional(1), new LongOptional());
            v = v.repeat_interleave(groups, new LongOptional(1), new LongOptional());
        }
        Tensor a = torch.scaled_dot_product_attention(q, k, v, Tensors.optional(mask), 0.0, false, new DoubleOptional(), false);
        return ops[3].forward(a.transpose(1, 2).reshape(batch, seq, (long) heads * hd));
    }

    /** x / sqrt(mean(x^2) + eps) * weight, over the last dimension; normalised in float32, as Qwen2 does, then back to x's type. */
    static Tensor rmsNorm(Tensor x, Tensor weight, double eps) {
        Tensor wide = x.to(ScalarType.Float);
        Tensor meanSquare = wide.pow(Tensors.scalar(2)).mean(new long[] {-1}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
        return Tensors.typed(wide.mul(meanSquare.add(Tensors.scalar(eps)).rsqrt()), x).mul(Tensors.typed(weight, x));
    }

    public int index() {
        return index;
    }

    /** The frozen base projection, by its short name (e.g. "self_attn.q_proj"). */
    public Linear baseProjection(String shortName) {
        for (int i = 0; i < PROJECTIONS.length; i++) if (PROJECTIONS[i].equals(shortName)) return base[i];
        throw new IllegalArgumentException("no projection '" + shortName + "'; one of " + String.join(", ", PROJECTIONS));
    }
}
