package io.rrs.pretrain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.model.Qwen2AudioConfig;

/**
 * Scope: the shape of the demo base model (docs/pretrain.md): a Qwen2-Audio layout small enough to
 * pretrain on two CPU cores, written as a Hugging Face {@code config.json}. The defaults are the
 * committed demo model; tests pass a smaller one. Validated by building the {@link Qwen2AudioConfig}
 * the loader would build, so a size that the model cannot load fails here, naming the field.
 */
public record DemoModelSize(int audioWidth, int audioLayers, int audioHeads, int audioFfn, int melBins, int maxSourcePositions,
                            int textWidth, int textLayers, int textHeads, int textKvHeads, int textFfn, int vocabSize,
                            int maxPositions, long audioTokenIndex) {
    /** The demo model: ~1.3M parameters; a 7 s audio window (clips are 1-6.5 s); 80 mel bins. */
    public static DemoModelSize demo(int vocabSize, long audioTokenIndex) {
        return new DemoModelSize(64, 2, 4, 256, 80, 350, 128, 3, 4, 2, 384, vocabSize, 1024, audioTokenIndex);
    }

    /**
     * The knowing recipe's model (docs/pretrain.md): the demo's audio tower; a decoder 192 wide (the teacher's 384-wide
     * word embeddings projected onto their first 192 principal components), 4 layers, 6 query / 2 key-value heads
     * (head dim 32), intermediate 512: ~13.4 M parameters, 11.7 M of them the word-piece embedding and lm_head.
     */
    public static DemoModelSize knowing(int vocabSize, long audioTokenIndex) {
        return new DemoModelSize(64, 2, 4, 256, 80, 350, 192, 4, 6, 2, 512, vocabSize, 1024, audioTokenIndex);
    }

    public DemoModelSize {
        if (melBins != 80 && melBins != 128)
            throw new IllegalArgumentException("num_mel_bins " + melBins + ": the Whisper front-end computes 80 or 128 mel bins");
        // the model's own checks (divisible heads, even head dim, audio token inside the vocabulary)
        config(audioWidth, audioLayers, audioHeads, audioFfn, melBins, maxSourcePositions, textWidth, textLayers, textHeads, textKvHeads,
                textFfn, vocabSize, maxPositions, audioTokenIndex);
    }

    /** The config the model loader builds from {@link #configJson()}. */
    public Qwen2AudioConfig toConfig() {
        return config(audioWidth, audioLayers, audioHeads, audioFfn, melBins, maxSourcePositions, textWidth, textLayers, textHeads, textKvHeads,
                textFfn, vocabSize, maxPositions, audioTokenIndex);
    }

    private static Qwen2AudioConfig config(int audioWidth, int audioLayers, int audioHeads, int audioFfn, int melBins, int maxSourcePositions,
                                           int textWidth, int textLayers, int textHeads, int textKvHeads, int textFfn, int vocabSize,
                                           int maxPositions, long audioTokenIndex) {
        return new Qwen2AudioConfig(
                new Qwen2AudioConfig.AudioConfig(audioWidth, audioLayers, audioHeads, audioFfn, melBins, maxSourcePositions),
                new Qwen2AudioConfig.TextConfig(textWidth, textLayers, textHeads, textKvHeads, textFfn, 10000.0, 1e-6, vocabSize, maxPositions),
                audioTokenIndex);
    }

    /** {@code config.json} with Hugging Face's field names (Qwen2AudioForConditionalGeneration). */
    public String configJson() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.putArray("architectures").add("Qwen2AudioForConditionalGeneration");
        root.put("model_type", "qwen2_audio").put("audio_token_index", audioTokenIndex);
        ObjectNode a = root.putObject("audio_config");
        a.put("model_type", "qwen2_audio_encoder").put("d_model", audioWidth).put("encoder_layers", audioLayers)
                .put("encoder_attention_heads", audioHeads).put("encoder_ffn_dim", audioFfn).put("num_mel_bins", melBins)
                .put("max_source_positions", maxSourcePositions);
        ObjectNode t = root.putObject("text_config");
        t.put("model_type", "qwen2").put("hidden_size", textWidth).put("num_hidden_layers", textLayers).put("num_attention_heads", textHeads)
                .put("num_key_value_heads", textKvHeads).put("intermediate_size", textFfn).put("rope_theta", 10000.0).put("rms_norm_eps", 1e-6)
                .put("vocab_size", vocabSize).put("max_position_embeddings", maxPositions).put("tie_word_embeddings", false);
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
