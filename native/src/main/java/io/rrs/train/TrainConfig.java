package io.rrs.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.kernels.RrsObjective;
import java.nio.file.Path;

/**
 * Scope: settings of {@code rrs reshape train} (DESIGN section 3), the paper's values by default:
 * LoRA r 16 / alpha 4 / dropout 0.1, AdamW (see {@link AdamWConfig}), batch 4 with 2-step gradient
 * accumulation (an optimiser step per 8 queries), 10 epochs, the ten-instruction prompt pool, fused
 * loss kernels. {@code saveEverySteps} adds checkpoints inside an epoch (0: one per epoch only).
 * {@code modelDir} null means the model recorded by prepare.
 */
public record TrainConfig(Path runDir, Path modelDir, LoraConfig lora, AdamWConfig optimizer, int batchSize, int accumulationSteps,
                          int epochs, long seed, boolean promptPool, RrsObjective.Path lossPath, int saveEverySteps) {
    public TrainConfig {
        if (runDir == null) throw new IllegalArgumentException("--run DIR is required (the directory 'rrs reshape prepare' wrote)");
        if (lora == null) lora = LoraConfig.DEFAULT;
        if (optimizer == null) optimizer = AdamWConfig.DEFAULT;
        if (lossPath == null) lossPath = RrsObjective.Path.FUSED;
        if (batchSize < 1) throw new IllegalArgumentException("--batch-size " + batchSize + " must be >= 1 (default 4)");
        if (accumulationSteps < 1) throw new IllegalArgumentException("--accumulation " + accumulationSteps + " must be >= 1 (default 2)");
        if (epochs < 1) throw new IllegalArgumentException("--epochs " + epochs + " must be >= 1 (default 10)");
        if (saveEverySteps < 0) throw new IllegalArgumentException("--save-every " + saveEverySteps + " must be >= 0 (0 = once per epoch)");
    }

    /** The paper's settings for a prepared run. */
    public static TrainConfig defaults(Path runDir) {
        return new TrainConfig(runDir, null, LoraConfig.DEFAULT, AdamWConfig.DEFAULT, 4, 2, 10, 20250519L, true, RrsObjective.Path.FUSED, 0);
    }

    public TrainConfig withEpochs(int n) {
        return new TrainConfig(runDir, modelDir, lora, optimizer, batchSize, accumulationSteps, n, seed, promptPool, lossPath, saveEverySteps);
    }

    /** Everything that decides the trajectory, for a checkpoint (the run and model paths are not part of it). */
    public ObjectNode toJson() {
        ObjectNode o = RunFiles.JSON.createObjectNode();
        o.put("lora_rank", lora.rank()).put("lora_alpha", lora.alpha()).put("lora_dropout", lora.dropout())
                .put("lr", optimizer.learningRate()).put("beta1", optimizer.beta1()).put("beta2", optimizer.beta2()).put("eps", optimizer.eps())
                .put("weight_decay", optimizer.weightDecay()).put("clip_norm", optimizer.clipNorm())
                .put("batch_size", batchSize).put("accumulation_steps", accumulationSteps).put("epochs", epochs).put("seed", seed)
                .put("prompt_pool", promptPool).put("loss_path", lossPath.name()).put("save_every_steps", saveEverySteps);
        return o;
    }

    /** The settings a checkpoint recorded, with this run directory and model. */
    public static TrainConfig fromJson(JsonNode o, Path runDir, Path modelDir) {
        return new TrainConfig(runDir, modelDir,
                new LoraConfig(o.path("lora_rank").asInt(), o.path("lora_alpha").asDouble(), o.path("lora_dropout").asDouble()),
                new AdamWConfig(o.path("lr").asDouble(), o.path("beta1").asDouble(), o.path("beta2").asDouble(), o.path("eps").asDouble(),
                        o.path("weight_decay").asDouble(), o.path("clip_norm").asDouble()),
                o.path("batch_size").asInt(), o.path("accumulation_steps").asInt(), o.path("epochs").asInt(), o.path("seed").asLong(),
                o.path("prompt_pool").asBoolean(), RrsObjective.Path.valueOf(o.path("loss_path").asText()), o.path("save_every_steps").asInt());
    }
}
