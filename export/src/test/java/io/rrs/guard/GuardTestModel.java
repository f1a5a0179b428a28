package io.rrs.guard;

import io.rrs.audio.WavEncoder;
import io.rrs.export.ExportOptions;
import io.rrs.export.Exporter;
import io.rrs.io.Npy;
import io.rrs.model.RandomInit;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Scope: fixtures for the guard's integration tests: a random-weight model of the Qwen2-Audio layout
 * at toy sizes (GQA 6/2, vocab 2048 of the project's tokenizer, 80 mels, 2 s window), exported with
 * a synthetic delta_m by rrs-export, and WAV/PCM test signals.
 */
final class GuardTestModel {
    static final String CONFIG = """
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
    static final int HIDDEN = 48;
    static final int WINDOW_SECONDS = 2;

    /** What a test class works with: the checkpoint, the export directory and the delta_m it carries. */
    record Exported(Path checkpoint, Path dir, float[] deltaM) {}

    private static Exported shared;

    private GuardTestModel() {}

    /**
     * One export per test JVM, shared by the test classes that only read it (an export with its
     * parity check takes seconds); tests that change files copy it first ({@link #copy}).
     */
    static synchronized Exported shared() throws Exception {
        if (shared == null) {
            Path tmp = Files.createTempDirectory("rrs-guard-test");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(tmp)));
            shared = export(tmp, 31);
        }
        return shared;
    }

    /** A copy of an export directory, for tests that tamper with it. */
    static Path copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()));
        }
        return to;
    }

    private static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    /** Writes a random checkpoint under {@code tmp/ckpt} and exports it (with a synthetic delta_m) to {@code tmp/model}. */
    static Exported export(Path tmp, long seed) throws Exception {
        Path ckpt = tmp.resolve("ckpt");
        RandomInit.write(ckpt, CONFIG, seed);
        Files.copy(tokenizerJson(), ckpt.resolve("tokenizer.json"));
        Random rnd = new Random(seed);
        float[] deltaM = new float[HIDDEN];
        for (int i = 0; i < HIDDEN; i++) deltaM[i] = i % 2 == 0 ? 0f : (float) rnd.nextGaussian(); // masked like the c_j > 0 rule
        Npy.writeFloat32(tmp.resolve("delta_m.npy"), deltaM, HIDDEN);
        Path out = tmp.resolve("model");
        Exporter.export(ExportOptions.of(ckpt, out).withDeltaM(tmp.resolve("delta_m.npy")));
        return new Exported(ckpt, out, deltaM);
    }

    static Path tokenizerJson() {
        for (Path root : new Path[] {Path.of(System.getProperty("rrs.root", "..")), Path.of("..")}) {
            Path t = root.resolve("data/tokenizer/tokenizer.json");
            if (Files.isRegularFile(t)) return t;
        }
        throw new IllegalStateException("data/tokenizer/tokenizer.json not found under " + Path.of("..").toAbsolutePath());
    }

    /** A speech-like test signal: a few harmonics with a slow amplitude envelope, in [-0.5, 0.5]. */
    static float[] tone(int samples, int rate, double f0, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[samples];
        for (int i = 0; i < samples; i++) {
            double t = i / (double) rate;
            double env = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t);
            double v = 0;
            for (int h = 1; h <= 4; h++) v += Math.sin(2 * Math.PI * f0 * h * t) / h;
            x[i] = (float) (0.25 * env * v + 0.01 * rnd.nextGaussian());
            x[i] = Math.max(-0.5f, Math.min(0.5f, x[i]));
        }
        return x;
    }

    /** Mono 16-bit PCM WAV bytes of {@code samples} at {@code rate}. */
    static byte[] wav(float[] samples, int rate) {
        short[] pcm = new short[samples.length];
        for (int i = 0; i < pcm.length; i++) pcm[i] = (short) Math.round(samples[i] * 32767);
        return WavEncoder.pcm16(pcm, rate);
    }

    /** The samples a 16-bit WAV of {@code samples} decodes to (quantised), so PCM and WAV queries can be compared. */
    static float[] quantised(float[] samples) {
        float[] q = new float[samples.length];
        for (int i = 0; i < q.length; i++) q[i] = Math.round(samples[i] * 32767) / 32768f;
        return q;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
