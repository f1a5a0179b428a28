package io.rrs.export;

import io.rrs.model.RandomInit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Scope: a random-weight model directory for export tests: the Qwen2-Audio layout at toy sizes
 * with grouped-query attention (6 query heads over 2 key/value heads), sized to the project's
 * tokenizer (vocab 2048, {@code <|AUDIO|>} = 2045), 80 mel bins and a 2 s window, plus that
 * tokenizer.json.
 */
public final class TinyCheckpoint {
    public static final String CONFIG = """
            {
              "architectures": ["Qwen2AudioForConditionalGeneration"],
              "model_type": "qwen2_audio",
              "audio_token_index": 2045,
              "audio_config": {"model_type": "qwen2_audio_encoder", "d_model": 32, "encoder_layers": 2,
                "encoder_attention_heads": 4, "encoder_ffn_dim": 64, "num_mel_bins": 80, "max_source_positions": 100},
              "text_config": {"model_type": "qwen2", "hidden_size": 48, "num_hidden_layers": 2, "num_attention_heads": 6,
                "num_key_value_heads": 2, "intermediate_size": 96, "rope_theta": 10000.0, "rms_norm_eps": 1e-6,
                "vocab_size": 2048, "max_position_embeddings": 512}
            }
            """;

    /**
     * The same model with Qwen2-Audio's real audio window: 1500 encoder positions, so 3000 mel frames (30 s)
     * and 750 audio tokens, and decoder positions for them and a prompt.
     */
    public static final String CONFIG_30S = CONFIG.replace("\"max_source_positions\": 100", "\"max_source_positions\": 1500")
            .replace("\"max_position_embeddings\": 512", "\"max_position_embeddings\": 1024");

    private TinyCheckpoint() {}

    public static Path write(Path dir, long seed) throws IOException {
        return write(dir, CONFIG, seed);
    }

    /** A random model of {@code config} (one of this class's) with the project's tokenizer. */
    public static Path write(Path dir, String config, long seed) throws IOException {
        RandomInit.write(dir, config, seed);
        Files.copy(tokenizerJson(), dir.resolve("tokenizer.json"));
        return dir;
    }

    public static Path tokenizerJson() {
        Path root = Path.of(System.getProperty("rrs.root", ".."));
        Path t = root.resolve("data/tokenizer/tokenizer.json");
        if (!Files.isRegularFile(t)) t = Path.of("..").resolve("data/tokenizer/tokenizer.json");
        if (!Files.isRegularFile(t)) throw new IllegalStateException("data/tokenizer/tokenizer.json not found under " + root.toAbsolutePath());
        return t;
    }
}
