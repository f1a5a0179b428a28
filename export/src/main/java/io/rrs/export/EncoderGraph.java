package io.rrs.export;

import static io.rrs.export.OnnxGraph.attr;
import static io.rrs.export.OnnxGraph.attrs;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.rrs.model.Qwen2AudioConfig;
import io.rrs.model.Qwen2AudioLayout;

/**
 * Scope: the audio graph, log-mel features to projected audio embeddings, as
 * {@code io.rrs.model.AudioEncoder} computes them: conv1 + GELU, conv2 (stride 2) + GELU, stored
 * positions, pre-LayerNorm blocks whose attention ignores padded frames as keys, average pooling
 * (2, 2), final LayerNorm, projector.
 *
 * <p>Inputs: {@code input_features} [batch, n_mels, frames] float32 and {@code frame_counts} [batch]
 * int64 (valid mel frames per sample; 0 = no audio). Outputs: {@code audio_embeds}
 * [batch, pooled, text_hidden] and {@code audio_embed_counts} [batch] int64, the number of leading
 * rows of each sample that are real (the count of its {@code <|AUDIO|>} tokens); the caller takes
 * those rows and discards the rest.
 */
final class EncoderGraph {
    static final String FEATURES = "input_features";
    static final String FRAME_COUNTS = "frame_counts";
    static final String EMBEDS = "audio_embeds";
    static final String COUNTS = "audio_embed_counts";
    private static final float LAYER_NORM_EPS = 1e-5f;

    private EncoderGraph() {}

    static OnnxGraph build(Qwen2AudioConfig config, LoraMerge.Merged weights, ExportPrecision precision) {
        Qwen2AudioConfig.AudioConfig a = config.audio();
        OnnxGraph g = new OnnxGraph("rrs_audio_encoder", precision);
        OnnxLayers l = new OnnxLayers(g, weights);
        String p = Qwen2AudioLayout.AUDIO;
        String features = g.input(FEATURES, DataType.FLOAT, "batch", (long) a.numMelBins(), "frames");
        String frames = g.input(FRAME_COUNTS, DataType.INT64, "batch");

        String x = l.gelu(conv(l, features, p + "conv1", 1));
        x = l.gelu(conv(l, x, p + "conv2", 2));
        x = g.op("Transpose", new String[] {x}, attrs("perm", 0, 2, 1)); // [B, T1, d]
        String t1 = l.dim(x, 1);
        String positionTable = g.initializer(p + "embed_positions.weight", () -> weights.get(p + "embed_positions.weight"));
        String positions = g.asFloat(g.op("Slice", new String[] {positionTable, g.ints(0), t1, g.ints(0)}));
        x = g.op("Add", new String[] {x, positions});

        // frames after conv2: (F - 1) // 2 + 1 = (F + 1) / 2 for F >= 0 (ONNX Div truncates; equal there)
        String convLength = g.op("Div", new String[] {g.op("Add", new String[] {frames, g.ints(1)}), g.ints(2)});
        String keyIndex = g.op("Range", new String[] {g.longs(new long[] {0}), g.op("Squeeze", new String[] {t1, g.ints(0)}), g.longs(new long[] {1})});
        String valid = g.op("Less", new String[] {g.op("Unsqueeze", new String[] {keyIndex, g.ints(0)}),
                g.op("Unsqueeze", new String[] {convLength, g.ints(1)})}); // [B, T1]
        String bias = g.op("Unsqueeze", new String[] {l.maskBias(valid), g.ints(1, 2)}); // [B, 1, 1, T1]

        int heads = a.encoderAttentionHeads(), hd = a.headDim();
        for (int i = 0; i < a.encoderLayers(); i++) {
            String b = p + "layers." + i + ".";
            String h = l.layerNorm(x, b + "self_attn_layer_norm", LAYER_NORM_EPS);
            String q = l.splitHeads(l.linear(h, b + "self_attn.q_proj"), heads, hd);
            String k = l.splitHeads(l.linear(h, b + "self_attn.k_proj"), heads, hd);
            String v = l.splitHeads(l.linear(h, b + "self_attn.v_proj"), heads, hd);
            String att = l.mergeHeads(l.attention(q, k, v, bias, heads, heads, hd), a.dModel());
            x = g.op("Add", new String[] {x, l.linear(att, b + "self_attn.out_proj")});
            h = l.layerNorm(x, b + "final_layer_norm", LAYER_NORM_EPS);
            x = g.op("Add", new String[] {x, l.linear(l.gelu(l.linear(h, b + "fc1")), b + "fc2")});
        }
        // average pooling (2, 2) over time, then the final LayerNorm (after pooling, as in HF), then the projector
        String pooled = g.op("AveragePool", new String[] {g.op("Transpose", new String[] {x}, attrs("perm", 0, 2, 1))},
                attrs("kernel_shape", 2), attrs("strides", 2));
        x = g.op("Transpose", new String[] {pooled}, attrs("perm", 0, 2, 1));
        x = l.layerNorm(x, p + "layer_norm", LAYER_NORM_EPS);
        x = l.linear(x, "multi_modal_projector.linear");
        g.output(x, EMBEDS, DataType.FLOAT, "batch", "audio_positions", (long) config.text().hiddenSize());
        // pooled positions: (L - 2) // 2 + 1 = L / 2 for L >= 0
        g.output(g.op("Div", new String[] {convLength, g.ints(2)}), COUNTS, DataType.INT64, "batch");
        return g;
    }

    private static String conv(OnnxLayers l, String x, String name, long stride) {
        return l.graph().op("Conv", new String[] {x, l.stored(name + ".weight"), l.stored(name + ".bias")}, attrs("kernel_shape", 3), attrs("pads", 1, 1),
                attrs("strides", stride), attrs("dilations", 1), attr("group", 1L));
    }
}
