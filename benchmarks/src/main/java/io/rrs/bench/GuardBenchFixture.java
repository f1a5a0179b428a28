package io.rrs.bench;

import io.rrs.audio.WavEncoder;
import io.rrs.export.ExportOptions;
import io.rrs.export.Exporter;
import io.rrs.guard.GuardQuery;
import io.rrs.model.RandomInit;
import io.rrs.text.Prompts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Scope: the guard benchmarks' workload: a small Qwen2-Audio checkpoint sized to the project's
 * tokenizer (vocab 2048) with the real front-end width (128 mels) and window (30 s, 3000 frames,
 * so the encoder does Qwen2-Audio's full-window work), exported by rrs-export once into
 * {@code benchmarks/target/guard-bench/model}; and one 3 s audio-text query as WAV bytes.
 */
public final class GuardBenchFixture {
    /** ~12M parameters: audio tower 4 x 256, decoder 4 x 384 with GQA 6/2, 30 s window. */
    public static final String CONFIG = """
            {
              "architectures": ["Qwen2AudioForConditionalGeneration"],
              "model_type": "qwen2_audio",
              "audio_token_index": 2045,
              "audio_config": {"d_model": 256, "encoder_layers": 4, "encoder_attention_heads": 4,
                "encoder_ffn_dim": 1024, "num_mel_bins": 128, "max_source_positions": 1500},
              "text_config": {"hidden_size": 384, "num_hidden_layers": 4, "num_attention_heads": 6,
                "num_key_value_heads": 2, "intermediate_size": 1024, "rope_theta": 1000000.0,
                "rms_norm_eps": 1e-6, "vocab_size": 2048, "max_position_embeddings": 2048}
            }
            """;

    private GuardBenchFixture() {}

    public static Path defaultDir() {
        return Path.of(System.getProperty("rrs.bench.guard", "benchmarks/target/guard-bench"));
    }

    /** The export directory, written (checkpoint, export, parity check) unless already there. */
    public static Path ensureModel(Path dir) throws Exception {
        Path model = dir.resolve("model");
        if (Files.isRegularFile(model.resolve("guard.json"))) return model;
        Path ckpt = dir.resolve("ckpt");
        RandomInit.write(ckpt, CONFIG, 2026L);
        Path tokenizer = Path.of(System.getProperty("rrs.root", ".")).resolve("data/tokenizer/tokenizer.json");
        if (!Files.isRegularFile(tokenizer)) throw new IllegalStateException(tokenizer.toAbsolutePath() + " not found; run from the repository root or set -Drrs.root");
        Files.copy(tokenizer, ckpt.resolve("tokenizer.json"));
        Exporter.export(ExportOptions.of(ckpt, model));
        return model;
    }

    /** 3 s of a speech-like signal at 16 kHz as 16-bit WAV, with the paper's audio-text instruction. */
    public static GuardQuery query3sAudioText() {
        return queryAudioText(3);
    }

    /** {@code seconds} of a speech-like signal at 16 kHz as 16-bit WAV, with the paper's audio-text instruction. */
    public static GuardQuery queryAudioText(int seconds) {
        int n = 16000 * seconds;
        Random rnd = new Random(9);
        short[] pcm = new short[n];
        for (int i = 0; i < n; i++) {
            double t = i / 16000.0, v = 0;
            for (int h = 1; h <= 5; h++) v += Math.sin(2 * Math.PI * 130 * h * t) / h;
            v = 0.2 * (0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t)) * v + 0.01 * rnd.nextGaussian();
            pcm[i] = (short) Math.round(Math.max(-1, Math.min(1, v)) * 32767);
        }
        return GuardQuery.wav(WavEncoder.pcm16(pcm, 16000), Prompts.AUDIO_TEXT_INSTRUCTION).withId(seconds + "s-audio-text");
    }
}
