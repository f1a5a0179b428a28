package io.rrs.bench;

import io.rrs.query.AudioPositions;
import io.rrs.io.Npy;
import io.rrs.model.ModelInput;
import io.rrs.model.RandomInit;
import io.rrs.model.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The shared workload of the model benchmarks: a small Qwen2-Audio checkpoint (random weights,
 * grouped-query attention, a real 128-bin Whisper front-end width) and one 3 s audio-text query
 * (300 mel frames, 75 audio tokens inside a chat-like prompt). Written once to a directory so
 * that the JMH suite and the torch reference time the very same files.
 *   java -cp ... io.rrs.bench.ModelBenchFixture DIR [small|memory]
 */
public final class ModelBenchFixture {
    /** Small but not toy: ~16M parameters, 4+4 layers, 6 query heads over 2 key/value heads. */
    public static final String CONFIG = """
            {
              "architectures": ["Qwen2AudioForConditionalGeneration"],
              "model_type": "qwen2_audio",
              "audio_token_index": 8191,
              "audio_config": {"d_model": 256, "encoder_layers": 4, "encoder_attention_heads": 4,
                "encoder_ffn_dim": 1024, "num_mel_bins": 128, "max_source_positions": 1500},
              "text_config": {"hidden_size": 384, "num_hidden_layers": 4, "num_attention_heads": 6,
                "num_key_value_heads": 2, "intermediate_size": 1024, "rope_theta": 1000000.0,
                "rms_norm_eps": 1e-6, "vocab_size": 8192, "max_position_embeddings": 2048}
            }
            """;
    /**
     * A larger checkpoint of the same family (~96M parameters, ~385 MB float32) for the memory
     * measurement, where fixed JVM and libtorch overheads would swamp a small file.
     */
    public static final String MEMORY_CONFIG = """
            {
              "architectures": ["Qwen2AudioForConditionalGeneration"],
              "model_type": "qwen2_audio",
              "audio_token_index": 8191,
              "audio_config": {"d_model": 384, "encoder_layers": 4, "encoder_attention_heads": 6,
                "encoder_ffn_dim": 1536, "num_mel_bins": 128, "max_source_positions": 1500},
              "text_config": {"hidden_size": 768, "num_hidden_layers": 6, "num_attention_heads": 12,
                "num_key_value_heads": 4, "intermediate_size": 2048, "rope_theta": 1000000.0,
                "rms_norm_eps": 1e-6, "vocab_size": 32768, "max_position_embeddings": 2048}
            }
            """;
    public static final int MELS = 128;
    /** 3 s at Whisper's 10 ms hop. */
    public static final int FRAMES = 300;
    public static final long AUDIO_TOKEN = 8191;

    private ModelBenchFixture() {}

    public static Path defaultDir() {
        // not rrs.bench.model: that names a real checkpoint (BenchModel), which ensure() must never overwrite
        return Path.of(System.getProperty("rrs.bench.fixture", "benchmarks/target/model-bench"));
    }

    /** Writes the checkpoint and the query (ids/mask/features/frames .npy) unless already there. */
    public static Path ensure(Path dir) throws IOException {
        return ensure(dir, CONFIG);
    }

    public static Path ensure(Path dir, String config) throws IOException {
        if (Files.exists(dir.resolve("model.safetensors")) && Files.exists(dir.resolve("query/ids.npy"))) return dir;
        if (Files.exists(dir.resolve("model.safetensors")))
            throw new IOException(dir + " holds a model that is not this fixture (no query/); not overwriting it, pass another directory");
        RandomInit.write(dir, config, 2025L);
        Path q = Files.createDirectories(dir.resolve("query"));
        long[] ids = prompt();
        double[] asDouble = new double[ids.length];
        double[] ones = new double[ids.length];
        for (int i = 0; i < ids.length; i++) {
            asDouble[i] = ids[i];
            ones[i] = 1;
        }
        Npy.writeFloat64(q.resolve("ids.npy"), asDouble, 1, ids.length);
        Npy.writeFloat64(q.resolve("mask.npy"), ones, 1, ids.length);
        Npy.writeFloat32(q.resolve("features.npy"), features(), 1, MELS, FRAMES);
        Npy.writeFloat64(q.resolve("frames.npy"), new double[] {FRAMES}, 1);
        return dir;
    }

    /** The query as model input. */
    public static ModelInput query() {
        return ModelInput.leftPadded(List.of(prompt()), 0).withAudio(features(), MELS, FRAMES, new long[] {FRAMES});
    }

    private static long[] prompt() {
        Random rnd = new Random(3);
        int audio = (int) AudioPositions.pooled(FRAMES);
        long[] p = new long[14 + audio + 2 + 16];
        int i = 0;
        for (int k = 0; k < 14; k++) p[i++] = rnd.nextInt(8000); // system + user turn opening
        p[i++] = 8189; // <|audio_bos|>
        for (int k = 0; k < audio; k++) p[i++] = AUDIO_TOKEN;
        p[i++] = 8190; // <|audio_eos|>
        for (int k = 0; k < 16; k++) p[i++] = rnd.nextInt(8000); // instruction + assistant turn opening
        return p;
    }

    private static float[] features() {
        Random rnd = new Random(5);
        float[] f = new float[MELS * FRAMES];
        for (int i = 0; i < f.length; i++) f[i] = (float) rnd.nextGaussian();
        return f;
    }

    /** args: DIR [small|memory] */
    public static void main(String[] args) throws IOException {
        boolean memory = args.length > 1 && args[1].equals("memory");
        Path dir = ensure(args.length > 0 ? Path.of(args[0]) : defaultDir(), memory ? MEMORY_CONFIG : CONFIG);
        System.out.println(dir.toAbsolutePath() + " (" + Tensors.class.getSimpleName() + " ok, " + Files.size(dir.resolve("model.safetensors")) + " bytes)");
    }
}
