package io.rrs.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The model configuration, read from a Hugging Face {@code config.json} with its field names.
 * Fields a real checkpoint omits take Hugging Face's class defaults (Qwen2-Audio-7B-Instruct's
 * {@code text_config} lists only what differs from {@code Qwen2Config}), so a real config and a
 * tiny test config go through the same path. Every record checks its own consistency and
 * names the offending field.
 */
public record Qwen2AudioConfig(AudioConfig audio, TextConfig text, long audioTokenIndex) {

    /** Whisper-style encoder ({@code audio_config}). */
    public record AudioConfig(int dModel, int encoderLayers, int encoderAttentionHeads, int encoderFfnDim,
                              int numMelBins, int maxSourcePositions) {
        public AudioConfig {
            positive("audio_config.d_model", dModel);
            positive("audio_config.encoder_layers", encoderLayers);
            positive("audio_config.encoder_attention_heads", encoderAttentionHeads);
            positive("audio_config.encoder_ffn_dim", encoderFfnDim);
            positive("audio_config.num_mel_bins", numMelBins);
            positive("audio_config.max_source_positions", maxSourcePositions);
            if (dModel % encoderAttentionHeads != 0)
                throw new IllegalArgumentException("audio_config.d_model (" + dModel + ") is not divisible by audio_config.encoder_attention_heads ("
                        + encoderAttentionHeads + "); the heads must split the width evenly");
        }

        public int headDim() {
            return dModel / encoderAttentionHeads;
        }

        /** Most mel frames one clip may have: conv2 halves them into max_source_positions positions. */
        public int maxFrames() {
            return 2 * maxSourcePositions;
        }
    }

    /** Qwen2 decoder ({@code text_config}). */
    public record TextConfig(int hiddenSize, int numHiddenLayers, int numAttentionHeads, int numKeyValueHeads,
                             int intermediateSize, double ropeTheta, double rmsNormEps, int vocabSize,
                             int maxPositionEmbeddings) {
        public TextConfig {
            positive("text_config.hidden_size", hiddenSize);
            positive("text_config.num_hidden_layers", numHiddenLayers);
            positive("text_config.num_attention_heads", numAttentionHeads);
            positive("text_config.num_key_value_heads", numKeyValueHeads);
            positive("text_config.intermediate_size", intermediateSize);
            positive("text_config.vocab_size", vocabSize);
            positive("text_config.max_position_embeddings", maxPositionEmbeddings);
            if (!(ropeTheta > 0)) throw new IllegalArgumentException("text_config.rope_theta must be > 0, got " + ropeTheta);
            if (!(rmsNormEps > 0)) throw new IllegalArgumentException("text_config.rms_norm_eps must be > 0, got " + rmsNormEps);
            if (hiddenSize % numAttentionHeads != 0)
                throw new IllegalArgumentException("text_config.hidden_size (" + hiddenSize + ") is not divisible by text_config.num_attention_heads ("
                        + numAttentionHeads + "); the heads must split the width evenly");
            if (numAttentionHeads % numKeyValueHeads != 0)
                throw new IllegalArgumentException("text_config.num_attention_heads (" + numAttentionHeads + ") is not a multiple of text_config.num_key_value_heads ("
                        + numKeyValueHeads + "); grouped-query attention shares each key/value head among a whole number of query heads");
            if ((hiddenSize / numAttentionHeads) % 2 != 0)
                throw new IllegalArgumentException("text_config head dimension hidden_size/num_attention_heads = " + hiddenSize / numAttentionHeads
                        + " is odd; rotary embeddings need an even head dimension");
        }

        public int headDim() {
            return hiddenSize / numAttentionHeads;
        }
    }

    public Qwen2AudioConfig {
        if (audio == null || text == null) throw new IllegalArgumentException("audio_config and text_config are required");
        if (audioTokenIndex < 0 || audioTokenIndex >= text.vocabSize())
            throw new IllegalArgumentException("audio_token_index (" + audioTokenIndex + ") is outside the vocabulary [0, text_config.vocab_size="
                    + text.vocabSize() + ")");
    }

    private static void positive(String field, int value) {
        if (value <= 0) throw new IllegalArgumentException(field + " must be a positive integer, got " + value);
    }

    /** Reads {@code config.json}; errors name the file and the field. */
    public static Qwen2AudioConfig read(Path configJson) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(configJson.toFile());
        } catch (IOException e) {
            throw new IOException(configJson + ": not valid JSON: " + e.getMessage(), e);
        }
        try {
            return fromJson(root);
        } catch (IllegalArgumentException e) {
            throw new IOException(configJson + ": " + e.getMessage(), e);
        }
    }

    /** Parses a config.json tree, applying Hugging Face's defaults for absent fields. */
    public static Qwen2AudioConfig fromJson(JsonNode root) {
        if (root == null || !root.isObject()) throw new IllegalArgumentException("config is not a JSON object");
        JsonNode a = root.path("audio_config"), t = root.path("text_config");
        if (!a.isObject()) throw new IllegalArgumentException("audio_config is missing; a Qwen2-Audio config.json has one");
        if (!t.isObject()) throw new IllegalArgumentException("text_config is missing; a Qwen2-Audio config.json has one");
        // defaults: transformers' Qwen2AudioEncoderConfig and Qwen2Config
        AudioConfig audio = new AudioConfig(
                integer(a, "audio_config", "d_model", 1280),
                integer(a, "audio_config", "encoder_layers", 32),
                integer(a, "audio_config", "encoder_attention_heads", 20),
                integer(a, "audio_config", "encoder_ffn_dim", 5120),
                integer(a, "audio_config", "num_mel_bins", 128),
                integer(a, "audio_config", "max_source_positions", 1500));
        int heads = integer(t, "text_config", "num_attention_heads", 32);
        TextConfig text = new TextConfig(
                integer(t, "text_config", "hidden_size", 4096),
                integer(t, "text_config", "num_hidden_layers", 32),
                heads,
                integer(t, "text_config", "num_key_value_heads", heads),
                integer(t, "text_config", "intermediate_size", 22016),
                real(t, "text_config", "rope_theta", 10000.0),
                real(t, "text_config", "rms_norm_eps", 1e-6),
                integer(t, "text_config", "vocab_size", 151936),
                integer(t, "text_config", "max_position_embeddings", 32768));
        long audioToken = root.has("audio_token_index") ? integer(root, "", "audio_token_index", 0) : 151646;
        return new Qwen2AudioConfig(audio, text, audioToken);
    }

    private static int integer(JsonNode node, String section, String field, int fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.isIntegralNumber() || !v.canConvertToInt())
            throw new IllegalArgumentException((section.isEmpty() ? "" : section + ".") + field + " must be an integer, got " + v);
        return v.asInt();
    }

    private static double real(JsonNode node, String section, String field, double fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.isNumber()) throw new IllegalArgumentException(section + "." + field + " must be a number, got " + v);
        return v.asDouble();
    }
}
