package io.rrs.export;

import static io.rrs.export.OnnxGraph.attr;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.rrs.model.Qwen2AudioConfig;
import io.rrs.model.Qwen2AudioLayout;

/**
 * Scope: the Qwen2 decoder graph with a KV cache, as {@code io.rrs.model.TextDecoder} and the LM
 * head compute it. One graph serves prefill (past length 0) and decoding (past length > 0).
 *
 * <p>Inputs: {@code inputs_embeds} [batch, seq, hidden], {@code attention_mask} [batch, past + seq]
 * int64 (1 = token, 0 = left padding, over cached and new positions), {@code position_ids}
 * [batch, seq] int64 (Hugging Face's cumsum(mask) - 1), and per layer {@code past_key_values.i.key}
 * / {@code .value} [batch, kv_heads, past, head_dim] (after RoPE, before head repetition; length 0
 * for prefill). Outputs: {@code logits} [batch, 1, vocab] at the last of the {@code seq} new positions
 * (left padding keeps it a real token), {@code last_hidden_state}
 * [batch, seq, hidden] (after the final norm: the RRS representation), {@code present.i.key} /
 * {@code .value} [batch, kv_heads, past + seq, head_dim].
 *
 * <p>Mask semantics equal the libtorch model's: a query sees keys at or before its own position
 * that are real tokens, plus itself (so a padding query's softmax row is never empty).
 */
final class DecoderGraph {
    static final String EMBEDS = "inputs_embeds";
    static final String MASK = "attention_mask";
    static final String POSITIONS = "position_ids";
    static final String LOGITS = "logits";
    static final String HIDDEN = "last_hidden_state";

    private DecoderGraph() {}

    static String pastKey(int layer) {
        return "past_key_values." + layer + ".key";
    }

    static String pastValue(int layer) {
        return "past_key_values." + layer + ".value";
    }

    static String presentKey(int layer) {
        return "present." + layer + ".key";
    }

    static String presentValue(int layer) {
        return "present." + layer + ".value";
    }

    static OnnxGraph build(Qwen2AudioConfig config, LoraMerge.Merged weights, ExportPrecision precision) {
        Qwen2AudioConfig.TextConfig t = config.text();
        OnnxGraph g = new OnnxGraph("rrs_text_decoder", precision);
        OnnxLayers l = new OnnxLayers(g, weights);
        int heads = t.numAttentionHeads(), kvHeads = t.numKeyValueHeads(), hd = t.headDim();
        long width = t.hiddenSize();
        float eps = (float) t.rmsNormEps();

        String embeds = g.input(EMBEDS, DataType.FLOAT, "batch", "seq", width);
        String mask = g.input(MASK, DataType.INT64, "batch", "total");
        String positions = g.input(POSITIONS, DataType.INT64, "batch", "seq");
        String[] pastK = new String[t.numHiddenLayers()], pastV = new String[t.numHiddenLayers()];
        for (int i = 0; i < pastK.length; i++) {
            pastK[i] = g.input(pastKey(i), DataType.FLOAT, "batch", (long) kvHeads, "past", (long) hd);
            pastV[i] = g.input(pastValue(i), DataType.FLOAT, "batch", (long) kvHeads, "past", (long) hd);
        }

        String bias = attentionBias(g, l, embeds, mask);
        String[] cosSin = rotary(g, positions, hd, t.ropeTheta());

        String x = embeds;
        for (int i = 0; i < pastK.length; i++) {
            String p = Qwen2AudioLayout.TEXT + "layers." + i + ".";
            String h = l.rmsNorm(x, p + "input_layernorm.weight", eps);
            String q = rope(g, l.splitHeads(l.linear(h, p + "self_attn.q_proj"), heads, hd), cosSin, hd);
            String k = rope(g, l.splitHeads(l.linear(h, p + "self_attn.k_proj"), kvHeads, hd), cosSin, hd);
            String v = l.splitHeads(l.linear(h, p + "self_attn.v_proj"), kvHeads, hd);
            String keys = g.op("Concat", new String[] {pastK[i], k}, attr("axis", 2L));
            String values = g.op("Concat", new String[] {pastV[i], v}, attr("axis", 2L));
            g.output(keys, presentKey(i), DataType.FLOAT, "batch", (long) kvHeads, "total", (long) hd);
            g.output(values, presentValue(i), DataType.FLOAT, "batch", (long) kvHeads, "total", (long) hd);
            String att = l.mergeHeads(l.attention(q, keys, values, bias, heads, kvHeads, hd), width);
            x = g.op("Add", new String[] {x, l.linear(att, p + "self_attn.o_proj")});
            h = l.rmsNorm(x, p + "post_attention_layernorm.weight", eps);
            String gated = g.op("Mul", new String[] {l.silu(l.linear(h, p + "mlp.gate_proj")), l.linear(h, p + "mlp.up_proj")});
            x = g.op("Add", new String[] {x, l.linear(gated, p + "mlp.down_proj")});
        }
        String hidden = l.rmsNorm(x, Qwen2AudioLayout.TEXT + "norm.weight", eps);
        g.output(hidden, HIDDEN, DataType.FLOAT, "batch", "seq", width);
        // logits of the last position only: what the guard decides on and generation samples from, without lm_head over
        // every prompt position (a 30 s clip is ~750 of them, times a 150k vocabulary)
        String last = g.op("Slice", new String[] {hidden, g.ints(-1), g.ints(Long.MAX_VALUE), g.ints(1)});
        String lmHead = Qwen2AudioLayout.LM_HEAD.substring(0, Qwen2AudioLayout.LM_HEAD.length() - ".weight".length());
        g.output(l.linear(last, lmHead), LOGITS, DataType.FLOAT, "batch", 1L, (long) t.vocabSize());
        return g;
    }

    /** [B, 1, S, past + S] float: 0 where query s (at absolute past + s) may see key j, masked elsewhere. */
    private static String attentionBias(OnnxGraph g, OnnxLayers l, String embeds, String mask) {
        String seq = g.op("Squeeze", new String[] {l.dim(embeds, 1), g.ints(0)});
        String total = g.op("Squeeze", new String[] {l.dim(mask, 1), g.ints(0)});
        String past = g.op("Sub", new String[] {total, seq});
        String one = g.longs(new long[] {1});
        String keys = g.op("Unsqueeze", new String[] {g.op("Range", new String[] {g.longs(new long[] {0}), total, one}), g.ints(0)}); // [1, T]
        String queries = g.op("Unsqueeze", new String[] {g.op("Range", new String[] {past, total, one}), g.ints(1)}); // [S, 1]
        String causal = g.op("LessOrEqual", new String[] {keys, queries}); // [S, T]
        String self = g.op("Equal", new String[] {keys, queries});
        String real = g.op("Unsqueeze", new String[] {g.op("Cast", new String[] {mask}, attr("to", (long) DataType.BOOL.getNumber())), g.ints(1, 2)});
        String allowed = g.op("And", new String[] {g.op("Unsqueeze", new String[] {causal, g.ints(0, 1)}), g.op("Or", new String[] {real, self})});
        return l.maskBias(allowed);
    }

    /** cos and sin [B, 1, S, hd] of the rotary angles position * theta^(-2i/hd), float32 as in RotaryEmbedding. */
    private static String[] rotary(OnnxGraph g, String positions, int headDim, double theta) {
        float[] inv = new float[headDim / 2];
        for (int i = 0; i < inv.length; i++) inv[i] = (float) (1.0 / Math.pow(theta, (2.0 * i) / headDim));
        String pos = g.op("Unsqueeze", new String[] {g.op("Cast", new String[] {positions}, attr("to", (long) DataType.FLOAT.getNumber())), g.ints(2)});
        String angles = g.op("Mul", new String[] {pos, g.floats(inv, inv.length)});
        String both = g.op("Unsqueeze", new String[] {g.op("Concat", new String[] {angles, angles}, attr("axis", -1L)), g.ints(1)});
        return new String[] {g.op("Cos", new String[] {both}), g.op("Sin", new String[] {both})};
    }

    /** x * cos + rotate_half(x) * sin for x [B, heads, S, hd]. */
    private static String rope(OnnxGraph g, String x, String[] cosSin, int headDim) {
        String[] halves = g.ops("Split", g.freshNames("half", 2), new String[] {x, g.ints(headDim / 2, headDim / 2)}, attr("axis", -1L));
        String rotated = g.op("Concat", new String[] {g.op("Neg", new String[] {halves[1]}), halves[0]}, attr("axis", -1L));
        return g.op("Add", new String[] {g.op("Mul", new String[] {x, cosSin[0]}), g.op("Mul", new String[] {rotated, cosSin[1]})});
    }

    /** The token embedding table as its own graph: {@code input_ids} [batch, seq] int64 to {@code inputs_embeds}. */
    static OnnxGraph embedTokens(Qwen2AudioConfig config, LoraMerge.Merged weights, ExportPrecision precision) {
        OnnxGraph g = new OnnxGraph("rrs_embed_tokens", precision);
        String ids = g.input("input_ids", DataType.INT64, "batch", "seq");
        String name = Qwen2AudioLayout.TEXT + "embed_tokens.weight";
        String table = g.initializer(name, () -> weights.get(name)); // rows picked first, then widened: never the whole table
        g.output(g.asFloat(g.op("Gather", new String[] {table, ids}, attr("axis", 0L))), EMBEDS, DataType.FLOAT, "batch", "seq", (long) config.text().hiddenSize());
        return g;
    }
}
