package io.rrs.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bf16 checkpoint is not widened: after loading one of ~200 MB and running a forward pass that reads every
 * weight (the LM head included), the process holds little more than the file. Widened to float32 it would hold
 * the file plus twice the file.
 */
class Bf16ResidentMemoryTest {
    static final String CONFIG = """
            {
              "architectures": ["Qwen2AudioForConditionalGeneration"],
              "model_type": "qwen2_audio",
              "audio_token_index": 63,
              "audio_config": {"model_type": "qwen2_audio_encoder", "d_model": 32, "encoder_layers": 1,
                "encoder_attention_heads": 4, "encoder_ffn_dim": 64, "num_mel_bins": 16, "max_source_positions": 50},
              "text_config": {"model_type": "qwen2", "hidden_size": 1024, "num_hidden_layers": 2, "num_attention_heads": 8,
                "num_key_value_heads": 8, "intermediate_size": 2048, "rope_theta": 10000.0, "rms_norm_eps": 1e-6,
                "vocab_size": 36864, "max_position_embeddings": 256}
            }
            """;

    @TempDir
    Path tmp;

    @Test
    void residentMemoryOfABf16CheckpointStaysNearItsSize() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bf16"));
        Files.writeString(dir.resolve("config.json"), CONFIG);
        Qwen2AudioConfig config = Qwen2AudioConfig.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(CONFIG));
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(1);
            Map<String, Tensor> weights = new LinkedHashMap<>();
            Qwen2AudioLayout.expected(config).forEach((name, shape) -> weights.put(name, torch.randn(shape).mul_(Tensors.scalar(0.02)).to(ScalarType.BFloat16)));
            SafetensorsWriter.write(dir.resolve("model.safetensors"), weights);
        }
        long file = Files.size(dir.resolve("model.safetensors"));
        System.gc();
        long before = residentBytes();
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Qwen2AudioModel model = Qwen2AudioModel.load(dir);
            long[][] ids = {{1, 2, 3, 4, 5, 6, 7, 8}};
            ModelInput in = ModelInput.leftPadded(List.of(ids[0]), 0);
            model.forward(in).logits().sum().item_double(); // reads every decoder weight and the whole LM head
            Tensor embed = model.weights().get(Qwen2AudioLayout.TEXT + "embed_tokens.weight");
            embed.sum().item_double(); // and every embedding row
            long grown = residentBytes() - before;
            assertTrue(grown < 1.3 * file + (100L << 20),
                    String.format("resident memory grew by %.0f MB for a %.0f MB bf16 checkpoint (widened it would be ~%.0f MB)",
                            grown / 1e6, file / 1e6, 3 * file / 1e6));
            model.close();
        }
    }

    /** VmRSS of this process (Linux). */
    static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status")))
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
