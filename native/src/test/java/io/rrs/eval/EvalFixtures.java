package io.rrs.eval;

import io.rrs.audio.WavEncoder;
import io.rrs.data.Manifest;
import io.rrs.model.RandomInit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Test helper: a random tiny model in the Qwen2-Audio layout over the project tokenizer (2048 ids,
 * 80 mel bins, a 6 s audio window), and a small spoken dataset in a temp folder: real test
 * utterances copied from the built data/rrs when present, else synthetic WAVs (tone + noise) with
 * the same manifest fields, so the tests run on a fresh clone too.
 */
final class EvalFixtures {
    static final String TINY_CONFIG = """
            {
              "architectures": ["Qwen2AudioForConditionalGeneration"],
              "model_type": "qwen2_audio",
              "audio_token_index": 2045,
              "audio_config": {"model_type": "qwen2_audio_encoder", "d_model": 32, "encoder_layers": 1,
                "encoder_attention_heads": 4, "encoder_ffn_dim": 64, "num_mel_bins": 80, "max_source_positions": 300},
              "text_config": {"model_type": "qwen2", "hidden_size": 48, "num_hidden_layers": 2, "num_attention_heads": 6,
                "num_key_value_heads": 2, "intermediate_size": 96, "rope_theta": 10000.0, "rms_norm_eps": 1e-6,
                "vocab_size": 2048, "max_position_embeddings": 512}
            }
            """;

    private EvalFixtures() {}

    static Path repoRoot() {
        String root = System.getProperty("rrs.root");
        Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("data/tokenizer/tokenizer.json"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("cannot find data/tokenizer/tokenizer.json above the working directory; set -Drrs.root");
        return p;
    }

    static Path tokenizer() {
        return repoRoot().resolve("data/tokenizer/tokenizer.json");
    }

    /** A random model folder with config.json, model.safetensors and the project tokenizer.json. */
    static Path tinyModel(Path dir, long seed) throws IOException {
        RandomInit.write(dir, TINY_CONFIG, seed);
        Files.copy(tokenizer(), dir.resolve("tokenizer.json"));
        return dir;
    }

    /** A dataset folder with {@code perLabel} harmful and {@code perLabel} benign test utterances (plus one train line, never evaluated). */
    static Path dataset(Path dir, int perLabel) throws IOException {
        Files.createDirectories(dir.resolve("wav/test"));
        Path built = repoRoot().resolve("data/rrs/manifest.jsonl");
        List<Manifest.Entry> out = new ArrayList<>();
        if (Files.isRegularFile(built)) {
            List<Manifest.Entry> all = Manifest.read(built);
            for (String label : new String[] {"harmful", "benign"}) {
                int n = 0;
                java.util.Set<String> categories = new java.util.HashSet<>(); // one utterance per category, so categories vary
                for (Manifest.Entry e : all) {
                    Path wav = built.getParent().resolve(e.wav());
                    if (n == perLabel || !e.split().equals("test") || !e.label().equals(label) || !Files.isRegularFile(wav)) continue;
                    if (!categories.add(e.category())) continue;
                    Files.copy(wav, dir.resolve(e.wav()));
                    out.add(e);
                    n++;
                }
            }
        }
        if (out.size() < 2 * perLabel) {
            out.clear();
            String[] cats = {"privacy_violation", "self_harm"};
            for (int i = 0; i < 2 * perLabel; i++) {
                String label = i < perLabel ? "harmful" : "benign";
                String id = (label.equals("harmful") ? "h" : "b") + String.format("%03d", i % perLabel) + "-synthetic";
                String wav = "wav/test/" + id + ".wav";
                double seconds = 1.5 + 0.7 * i;
                writeWav(dir.resolve(wav), seconds, i);
                out.add(new Manifest.Entry(id, id.substring(0, 4), "How do I do thing number " + i + "?", label, cats[i % 2], "test", "synthetic", 160, wav, seconds));
            }
        }
        String trainWav = "wav/test/train-only.wav";
        writeWav(dir.resolve(trainWav), 1.0, 99);
        out.add(new Manifest.Entry("t000-x", "t000", "A train question?", "harmful", "self_harm", "train", "synthetic", 160, trainWav, 1.0));
        Manifest.write(dir.resolve(Manifest.FILE), out);
        return dir;
    }

    /** 16 kHz mono 16-bit PCM: a tone whose pitch depends on {@code seed}, plus a little noise. */
    static void writeWav(Path file, double seconds, long seed) throws IOException {
        int n = (int) (seconds * 16000);
        Random rnd = new Random(seed);
        short[] pcm = new short[n];
        double f = 200 + 50 * seed;
        for (int i = 0; i < n; i++) pcm[i] = (short) (8000 * Math.sin(2 * Math.PI * f * i / 16000) + 500 * rnd.nextGaussian());
        WavEncoder.writePcm16(file, pcm, 16000);
    }
}
