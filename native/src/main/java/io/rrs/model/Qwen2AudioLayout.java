package io.rrs.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensor names and shapes of Hugging Face's {@code Qwen2AudioForConditionalGeneration} for a
 * given config: what the loader demands of a checkpoint, computed without allocating anything.
 * Shapes follow PyTorch conventions (Linear [out, in], Conv1d [out, in, kernel]).
 */
public final class Qwen2AudioLayout {
    public static final String AUDIO = "audio_tower.";
    public static final String PROJECTOR = "multi_modal_projector.linear.";
    public static final String TEXT = "language_model.model.";
    public static final String LM_HEAD = "language_model.lm_head.weight";
    /** The audio tower's position table: Whisper's sinusoids, a constant of the layout that no training changes. */
    public static final String AUDIO_POSITIONS = AUDIO + "embed_positions.weight";

    private Qwen2AudioLayout() {}

    /** Name to shape, in checkpoint order (audio tower, projector, language model). */
    public static Map<String, long[]> expected(Qwen2AudioConfig config) {
        Map<String, long[]> m = new LinkedHashMap<>();
        Qwen2AudioConfig.AudioConfig a = config.audio();
        long d = a.dModel();
        m.put(AUDIO + "conv1.weight", new long[] {d, a.numMelBins(), 3});
        m.put(AUDIO + "conv1.bias", new long[] {d});
        m.put(AUDIO + "conv2.weight", new long[] {d, d, 3});
        m.put(AUDIO + "conv2.bias", new long[] {d});
        m.put(AUDIO_POSITIONS, new long[] {a.maxSourcePositions(), d});
        for (int i = 0; i < a.encoderLayers(); i++) {
            String p = AUDIO + "layers." + i + ".";
            linear(m, p + "self_attn.q_proj", d, d, true);
            linear(m, p + "self_attn.k_proj", d, d, false); // Whisper's k_proj has no bias
            linear(m, p + "self_attn.v_proj", d, d, true);
            linear(m, p + "self_attn.out_proj", d, d, true);
            norm(m, p + "self_attn_layer_norm", d, true);
            linear(m, p + "fc1", a.encoderFfnDim(), d, true);
            linear(m, p + "fc2", d, a.encoderFfnDim(), true);
            norm(m, p + "final_layer_norm", d, true);
        }
        norm(m, AUDIO + "layer_norm", d, true);

        Qwen2AudioConfig.TextConfig t = config.text();
        long h = t.hiddenSize(), kv = (long) t.numKeyValueHeads() * t.headDim();
        linear(m, "multi_modal_projector.linear", h, d, true);
        m.put(TEXT + "embed_tokens.weight", new long[] {t.vocabSize(), h});
        for (int i = 0; i < t.numHiddenLayers(); i++) {
            String p = TEXT + "layers." + i + ".";
            linear(m, p + "self_attn.q_proj", h, h, true);
            linear(m, p + "self_attn.k_proj", kv, h, true);
            linear(m, p + "self_attn.v_proj", kv, h, true);
            linear(m, p + "self_attn.o_proj", h, h, false);
            linear(m, p + "mlp.gate_proj", t.intermediateSize(), h, false);
            linear(m, p + "mlp.up_proj", t.intermediateSize(), h, false);
            linear(m, p + "mlp.down_proj", h, t.intermediateSize(), false);
            norm(m, p + "input_layernorm", h, false);
            norm(m, p + "post_attention_layernorm", h, false);
        }
        norm(m, TEXT + "norm", h, false);
        m.put(LM_HEAD, new long[] {t.vocabSize(), h});
        return Collections.unmodifiableMap(m);
    }

    /** Total number of parameters (for memory estimates). */
    public static long parameterCount(Qwen2AudioConfig config) {
        long n = 0;
        for (long[] s : expected(config).values()) {
            long k = 1;
            for (long x : s) k *= x;
            n += k;
        }
        return n;
    }

    private static void linear(Map<String, long[]> m, String name, long out, long in, boolean bias) {
        m.put(name + ".weight", new long[] {out, in});
        if (bias) m.put(name + ".bias", new long[] {out});
    }

    private static void norm(Map<String, long[]> m, String name, long width, boolean bias) {
        m.put(name + ".weight", new long[] {width});
        if (bias) m.put(name + ".bias", new long[] {width});
    }
}
