package io.rrs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.model.Qwen2AudioConfig;
import io.rrs.model.Qwen2AudioLayout;
import io.rrs.model.safetensors.SafetensorsCheckpoint;
import io.rrs.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A slice of Qwen2-Audio-7B-Instruct at its real widths (audio d 1280, 20 heads, ffn 5120, 128 mels, 1500
 * positions; decoder d 4096, 32 heads, intermediate 11008, vocab 156032) with few layers, random bf16 weights
 * in two shards and a sharded index, as a Hugging Face download lays them out: the workload of
 * {@code benchmarks/scale_bench.sh}. The tokenizer is the project's ({@code data/tokenizer/tokenizer.json}),
 * whose {@code <|AUDIO|>} id the config names; the vocabulary rows beyond it are never looked up.
 *   java -cp ... io.rrs.bench.ScaleSliceFixture DIR DECODER_LAYERS [AUDIO_LAYERS]
 */
public final class ScaleSliceFixture {
    private ScaleSliceFixture() {}

    static String config(int decoderLayers, int audioLayers, long audioToken) {
        return """
                {
                  "architectures": ["Qwen2AudioForConditionalGeneration"],
                  "model_type": "qwen2_audio",
                  "audio_token_index": %d,
                  "audio_config": {"model_type": "qwen2_audio_encoder", "d_model": 1280, "encoder_layers": %d,
                    "encoder_attention_heads": 20, "encoder_ffn_dim": 5120, "num_mel_bins": 128, "max_source_positions": 1500},
                  "text_config": {"model_type": "qwen2", "hidden_size": 4096, "num_hidden_layers": %d, "num_attention_heads": 32,
                    "num_key_value_heads": 32, "intermediate_size": 11008, "rope_theta": 10000.0, "rms_norm_eps": 1e-5,
                    "vocab_size": 156032, "max_position_embeddings": 8192, "tie_word_embeddings": false}
                }
                """.formatted(audioToken, audioLayers, decoderLayers);
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) throw new IllegalArgumentException("usage: ScaleSliceFixture DIR DECODER_LAYERS [AUDIO_LAYERS]");
        Path dir = Path.of(args[0]);
        int decoderLayers = Integer.parseInt(args[1]), audioLayers = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        if (Files.exists(dir.resolve(SafetensorsCheckpoint.INDEX_FILE))) {
            System.out.println("fixture exists: " + dir);
            return;
        }
        Files.createDirectories(dir);
        Path tokenizer = Path.of("data/tokenizer/tokenizer.json");
        Files.copy(tokenizer, dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        long audioToken = audioTokenId(tokenizer);
        String configJson = config(decoderLayers, audioLayers, audioToken);
        Qwen2AudioConfig config = Qwen2AudioConfig.fromJson(new ObjectMapper().readTree(configJson));
        Map<String, long[]> layout = Qwen2AudioLayout.expected(config);
        long total = 0;
        for (long[] shape : layout.values()) total += 2 * numel(shape);
        torch.manual_seed(2026);
        Map<String, String> weightMap = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(layout.keySet());
        long written = 0;
        int shard = 0;
        Map<String, Tensor> current = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (PointerScope scope = new PointerScope()) {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                long[] shape = layout.get(name);
                boolean norm = name.contains("norm") && name.endsWith(".weight");
                long fanIn = shape.length == 3 ? shape[1] * shape[2] : shape[shape.length - 1];
                double std = name.endsWith(".bias") || norm ? 0.1 : name.contains("embed") ? 1.0 : 1.0 / Math.sqrt(fanIn);
                Tensor w = torch.randn(shape).mul_(new org.bytedeco.pytorch.Scalar(std)).add_(new org.bytedeco.pytorch.Scalar(norm ? 1.0 : 0.0))
                        .to(ScalarType.BFloat16);
                current.put(name, w);
                written += w.nbytes();
                boolean last = i == names.size() - 1;
                if (last || (shard == 0 && written >= total / 2)) {
                    String file = String.format("model-%05d-of-00002.safetensors", shard + 1);
                    SafetensorsWriter.write(dir.resolve(file), current);
                    for (String n : current.keySet()) weightMap.put(n, file);
                    for (Tensor t : current.values()) t.close();
                    current.clear();
                    System.out.printf("wrote %s (%.2f GB so far, %.0f s)%n", file, written / 1e9, (System.nanoTime() - t0) / 1e9);
                    shard++;
                }
            }
        }
        ObjectNode index = new ObjectMapper().createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode map = index.putObject("weight_map");
        weightMap.forEach(map::put);
        Files.writeString(dir.resolve(SafetensorsCheckpoint.INDEX_FILE), new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(index));
        Files.writeString(dir.resolve("config.json"), configJson);
        System.out.printf("fixture %s: %d decoder + %d audio layers, %.3f B parameters, %.2f GB bf16%n", dir, decoderLayers, audioLayers,
                total / 2 / 1e9, total / 1e9);
    }

    private static long audioTokenId(Path tokenizer) throws IOException {
        for (var t : new ObjectMapper().readTree(tokenizer.toFile()).path("added_tokens"))
            if (t.path("content").asText().equals("<|AUDIO|>")) return t.path("id").asLong();
        throw new IOException(tokenizer + " has no <|AUDIO|> token");
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }
}
