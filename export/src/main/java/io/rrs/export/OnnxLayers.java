package io.rrs.export;

import static io.rrs.export.OnnxGraph.attr;
import static io.rrs.export.OnnxGraph.attrs;


/**
 * Scope: the layers both graphs share, spelled out in opset-17 ONNX operators so that they
 * compute what the libtorch modules of {@code io.rrs.model} compute: Linear (weight stored
 * transposed, [in, out], so the graph is one MatMul), LayerNorm, RMSNorm, exact (erf) GELU,
 * SiLU, head split/merge, and masked multi-head attention with grouped key/value heads.
 */
final class OnnxLayers {
    /** Added to the scores of masked keys; torch.finfo(float32).min, as Hugging Face uses. */
    static final float MASKED = -3.4028235e38f;

    private final OnnxGraph g;
    private final LoraMerge.Merged weights;

    OnnxLayers(OnnxGraph graph, LoraMerge.Merged weights) {
        this.g = graph;
        this.weights = weights;
    }

    /** The checkpoint tensor {@code name} as a graph weight (float32 in the graph, stored in the export precision). */
    String stored(String name) {
        return g.weight(name, () -> weights.get(name));
    }

    OnnxGraph graph() {
        return g;
    }

    /** y = x W^T + b for the checkpoint projection {@code name} (bias when the checkpoint has one). */
    String linear(String x, String name) {
        // stored transposed once at export, so inference runs a plain MatMul without a Transpose node
        String wt = g.weight(name + ".weight_t", () -> weights.get(name + ".weight").t());
        String y = g.op("MatMul", new String[] {x, wt});
        return weights.contains(name + ".bias") ? g.op("Add", new String[] {y, stored(name + ".bias")}) : y;
    }

    /** LayerNorm over the last axis with weight and bias {@code name.weight/.bias}. */
    String layerNorm(String x, String name, float eps) {
        return g.op("LayerNormalization", new String[] {x, stored(name + ".weight"), stored(name + ".bias")}, attr("axis", -1L), attr("epsilon", eps));
    }

    /** x / sqrt(mean(x^2) + eps) * weight over the last axis (Qwen2RMSNorm). */
    String rmsNorm(String x, String weightName, float eps) {
        String w = stored(weightName);
        String meanSquare = g.op("ReduceMean", new String[] {g.op("Mul", new String[] {x, x})}, attrs("axes", -1L), attr("keepdims", 1L));
        String rms = g.op("Sqrt", new String[] {g.op("Add", new String[] {meanSquare, g.scalar(eps)})});
        return g.op("Mul", new String[] {g.op("Div", new String[] {x, rms}), w});
    }

    /** Exact GELU, 0.5 x (1 + erf(x / sqrt 2)) (torch.gelu's default; opset 17 has no Gelu op). */
    String gelu(String x) {
        String erf = g.op("Erf", new String[] {g.op("Mul", new String[] {x, g.scalar((float) (1.0 / Math.sqrt(2.0)))})});
        String onePlus = g.op("Add", new String[] {erf, g.scalar(1f)});
        return g.op("Mul", new String[] {g.op("Mul", new String[] {x, g.scalar(0.5f)}), onePlus});
    }

    /** x * sigmoid(x). */
    String silu(String x) {
        return g.op("Mul", new String[] {x, g.op("Sigmoid", new String[] {x})});
    }

    /** [B, S, heads*hd] to [B, heads, S, hd]. */
    String splitHeads(String x, int heads, int headDim) {
        String r = g.op("Reshape", new String[] {x, g.ints(0, 0, heads, headDim)});
        return g.op("Transpose", new String[] {r}, attrs("perm", 0, 2, 1, 3));
    }

    /** [B, heads, S, hd] to [B, S, heads*hd]. */
    String mergeHeads(String x, long width) {
        String t = g.op("Transpose", new String[] {x}, attrs("perm", 0, 2, 1, 3));
        return g.op("Reshape", new String[] {t, g.ints(0, 0, width)});
    }

    /** Dimension {@code axis} of x as a 1-element int64 tensor. */
    String dim(String x, long axis) {
        return g.op("Shape", new String[] {x}, attr("start", axis), attr("end", axis + 1));
    }

    /**
     * Scaled dot-product attention. q [B, heads, S, hd]; k, v [B, kvHeads, T, hd]; bias [B, 1, S, T]
     * (0 where allowed, {@link #MASKED} elsewhere). Each key/value head serves {@code heads/kvHeads}
     * consecutive query heads (repeat_interleave), done by viewing q as [B, kvHeads, group, S, hd] and
     * broadcasting k/v over the group instead of copying them. Returns [B, heads, S, hd].
     */
    String attention(String q, String k, String v, String bias, int heads, int kvHeads, int headDim) {
        int group = heads / kvHeads;
        String q5 = g.op("Reshape", new String[] {q, g.ints(0, kvHeads, group, -1, headDim)});
        String k5 = g.op("Unsqueeze", new String[] {k, g.ints(2)});
        String v5 = g.op("Unsqueeze", new String[] {v, g.ints(2)});
        String kT = g.op("Transpose", new String[] {k5}, attrs("perm", 0, 1, 2, 4, 3));
        String scores = g.op("MatMul", new String[] {q5, kT});
        scores = g.op("Mul", new String[] {scores, g.scalar((float) (1.0 / Math.sqrt(headDim)))});
        scores = g.op("Add", new String[] {scores, g.op("Unsqueeze", new String[] {bias, g.ints(1)})});
        String p = g.op("Softmax", new String[] {scores}, attr("axis", -1L));
        String o = g.op("MatMul", new String[] {p, v5});
        return g.op("Reshape", new String[] {o, g.ints(0, heads, -1, headDim)});
    }

    /** 0 where {@code allowed} (bool) is true, {@link #MASKED} elsewhere, as float32. */
    String maskBias(String allowed) {
        return g.op("Where", new String[] {allowed, g.scalar(0f), g.scalar(MASKED)});
    }
}
