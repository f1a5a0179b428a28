package io.rrs.bench;

import io.rrs.model.RandomInit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Model folders for timing {@code rrs eval} (benchmarks/eval_bench.sh): random weights over the
 * project tokenizer (2048 ids), so the full pipeline runs (WAV, Whisper front-end, chat template,
 * batched greedy generation, judging, report, PCA). Two sizes:
 * tiny (the evaluation tests' model: 2+1 layers, width 48, 80 mels, 6 s window) and
 * small (ModelBenchFixture's ~16M-parameter shape with 128 mels and Whisper's 30 s window).
 *   java -cp ... io.rrs.bench.EvalBenchFixture DIR tiny|small TOKENIZER_JSON SEED
 */
public final class EvalBenchFixture {
    public static final String TINY = """
            {
              "architectures": ["Qwen2AudioForConditionalGeneration"], "model_type": "qwen2_audio", "audio_token_index": 2045,
              "audio_config": {"d_model": 32, "encoder_layers": 1, "encoder_attention_heads": 4, "encoder_ffn_dim": 64,
                "num_mel_bins": 80, "max_source_positions": 300},
              "text_config": {"hidden_size": 48, "num_hidden_layers": 2, "num_attention_heads": 6, "num_key_value_heads": 2,
                "intermediate_size": 96, "rope_theta": 10000.0, "rms_norm_eps": 1e-6, "vocab_size": 2048, "max_position_embeddings": 1024}
            }
            """;
    public static final String SMALL = """
            {
              "architectures": ["Qwen2AudioForConditionalGeneration"], "model_type": "qwen2_audio", "audio_token_index": 2045,
              "audio_config": {"d_model": 256, "encoder_layers": 4, "encoder_attention_heads": 4, "encoder_ffn_dim": 1024,
                "num_mel_bins": 128, "max_source_positions": 1500},
              "text_config": {"hidden_size": 384, "num_hidden_layers": 4, "num_attention_heads": 6, "num_key_value_heads": 2,
                "intermediate_size": 1024, "rope_theta": 1000000.0, "rms_norm_eps": 1e-6, "vocab_size": 2048, "max_position_embeddings": 2048}
            }
            """;

    private EvalBenchFixture() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: EvalBenchFixture DIR tiny|small TOKENIZER_JSON SEED");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        String config = switch (args[1]) {
            case "tiny" -> TINY;
            case "small" -> SMALL;
            default -> throw new IllegalArgumentException("size must be tiny or small, got " + args[1]);
        };
        if (!Files.exists(dir.resolve("model.safetensors"))) RandomInit.write(dir, config, Long.parseLong(args[3]));
        Files.copy(Path.of(args[2]), dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        System.out.println(dir);
    }
}
