package io.rrs.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;

/**
 * Writes small random Qwen2-Audio checkpoints for tests: the layout of the real model at toy
 * sizes, with grouped-query attention (6 query heads over 2 key/value heads). Weights come from
 * {@link RandomInit}: activations and logits are of order one, so a 1e-4 tolerance means something.
 */
final class TinyModels {
    static final long AUDIO_TOKEN = 63;
    static final String CONFIG = """
            {
              "architectures": ["Qwen2AudioForConditionalGeneration"],
              "model_type": "qwen2_audio",
              "audio_token_index": 63,
              "audio_config": {"model_type": "qwen2_audio_encoder", "d_model": 32, "encoder_layers": 2,
                "encoder_attention_heads": 4, "encoder_ffn_dim": 64, "num_mel_bins": 16, "max_source_positions": 50},
              "text_config": {"model_type": "qwen2", "hidden_size": 48, "num_hidden_layers": 2, "num_attention_heads": 6,
                "num_key_value_heads": 2, "intermediate_size": 96, "rope_theta": 10000.0, "rms_norm_eps": 1e-6,
                "vocab_size": 64, "max_position_embeddings": 256}
            }
            """;

    private TinyModels() {}

    static Qwen2AudioConfig config() {
        try {
            return Qwen2AudioConfig.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(CONFIG));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Random weights by name (seeded), float32. */
    static Map<String, Tensor> randomWeights(Qwen2AudioConfig config, long seed) {
        return RandomInit.weights(config, seed);
    }

    /** config.json + model.safetensors in {@code dir}. */
    static Path write(Path dir, long seed) throws IOException {
        return RandomInit.write(dir, CONFIG, seed);
    }

    /** Deterministic pseudo-log-mel features [B, mels, T], zero beyond each sample's valid frames. */
    static float[] features(long seed, int batch, int mels, int frames, long[] valid) {
        Random rnd = new Random(seed);
        float[] f = new float[batch * mels * frames];
        for (int b = 0; b < batch; b++)
            for (int m = 0; m < mels; m++)
                for (int t = 0; t < valid[b]; t++) f[(b * mels + m) * frames + t] = (float) rnd.nextGaussian();
        return f;
    }

    /** A prompt: some text tokens, then n audio placeholders wrapped in two marker tokens, then more text. */
    static long[] prompt(Random rnd, int before, long audioTokens, int after) {
        long[] p = new long[before + (audioTokens > 0 ? (int) audioTokens + 2 : 0) + after];
        int i = 0;
        for (int k = 0; k < before; k++) p[i++] = rnd.nextInt(60);
        if (audioTokens > 0) {
            p[i++] = 60; // stands for <|audio_bos|>
            for (int k = 0; k < audioTokens; k++) p[i++] = AUDIO_TOKEN;
            p[i++] = 61; // <|audio_eos|>
        }
        for (int k = 0; k < after; k++) p[i++] = rnd.nextInt(60);
        return p;
    }
}
