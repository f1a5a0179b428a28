package io.rrs.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rrs.model.Tensors;
import io.rrs.model.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.pytorch.Tensor;

/**
 * Scope: the seam "base + LoRA checkpoint": reads a LoRA adapter directory in Hugging Face PEFT's
 * layout ({@code adapter_config.json} with {@code r} and {@code lora_alpha},
 * {@code adapter_model.safetensors} with {@code <module>.lora_A.weight} [r, in] and
 * {@code <module>.lora_B.weight} [out, r], names optionally prefixed {@code base_model.model.})
 * into {@link LoraMerge.Adapter}s with scale alpha / r. The reshape trainer's own runs are read
 * through {@code io.rrs.aligned.AlignedRun} instead ({@link Exporter#adaptersOf}).
 */
public final class PeftAdapters {
    static final String CONFIG = "adapter_config.json";
    static final String WEIGHTS = "adapter_model.safetensors";
    private static final String PREFIX = "base_model.model.";

    private PeftAdapters() {}

    public static List<LoraMerge.Adapter> read(Path dir) throws IOException {
        Path config = dir.resolve(CONFIG), weights = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(config) || !Files.isRegularFile(weights))
            throw new IOException("LoRA directory " + dir + " needs " + CONFIG + " and " + WEIGHTS + " (PEFT layout), or is an 'rrs reshape train' run folder / checkpoints/step-* directory; found "
                    + (Files.isDirectory(dir) ? listing(dir) : "no such directory"));
        JsonNode c = new ObjectMapper().readTree(config.toFile());
        if (!c.path("r").isIntegralNumber() || c.path("r").asInt() <= 0 || !c.path("lora_alpha").isNumber())
            throw new IOException(config + ": needs a positive integer \"r\" and a number \"lora_alpha\" (scale = lora_alpha / r)");
        double scale = c.path("lora_alpha").asDouble() / c.path("r").asInt();
        SafetensorsFile file = SafetensorsFile.open(weights);
        Map<String, Tensor[]> pairs = new TreeMap<>();
        for (String name : file.entries().keySet()) {
            String n = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
            int slot = n.endsWith(".lora_A.weight") ? 0 : n.endsWith(".lora_B.weight") ? 1 : -1;
            if (slot < 0) throw new IOException(weights + ": tensor " + name + " is neither lora_A.weight nor lora_B.weight; only LoRA adapters can be merged");
            String module = n.substring(0, n.length() - ".lora_A.weight".length());
            pairs.computeIfAbsent(module, k -> new Tensor[2])[slot] = Tensors.keep(file.tensor(name).to(org.bytedeco.pytorch.global.torch.ScalarType.Float).clone());
        }
        List<LoraMerge.Adapter> out = new ArrayList<>();
        for (Map.Entry<String, Tensor[]> e : pairs.entrySet()) {
            if (e.getValue()[0] == null || e.getValue()[1] == null)
                throw new IOException(weights + ": module " + e.getKey() + " has only " + (e.getValue()[0] == null ? "lora_B" : "lora_A") + "; both are needed");
            out.add(new LoraMerge.Adapter(e.getKey(), e.getValue()[0], e.getValue()[1], scale));
        }
        return out;
    }

    private static String listing(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList().toString();
        }
    }
}
