package io.rrs.training;

import io.rrs.model.Compute;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.kernels.RrsObjective;
import java.nio.file.Path;

/**
 * Scope: settings of {@code rrs reshape train} (DESIGN section 3), the paper's values by default:
 * LoRA r 16 / alpha 4 / dropout 0.1, AdamW (see {@link AdamWConfig}), batch 4 with 2-step gradient
 * accumulation (an optimiser step per 8 queries), 10 epochs, the ten-instruction prompt pool, fused
 * loss kernels. {@code saveEverySteps} adds checkpoints inside an epoch (0: one per epoch only).
 * {@code modelDir} null means the model recorded by prepare. {@code rrs sft train} trains with the same
 * settings (its checkpoints record them without the loss path, which it does not use). {@code compute} is where the
 * model runs ({@code --device}, {@code --dtype}; float32 on the CPU by default); {@code activationCheckpointing} recomputes each
 * decoder layer in the backward pass instead of keeping its activations ({@code --activation-checkpointing}, RRS training).
 */
public record TrainConfig(Path runDir, Path modelDir, LoraConfig lora, AdamWConfig optimizer, int batchSize, int accumulationSteps,
                          int epochs, long seed, boolean promptPool, RrsObjective.Path lossPath, int saveEverySteps, double penaltyWeight,
                          Compute compute, boolean activationCheckpointing) {
    public TrainConfig(Path runDir, Path modelDir, LoraConfig lora, AdamWConfig optimizer, int batchSize, int accumulationSteps,
                       int epochs, long seed, boolean promptPool, RrsObjective.Path lossPath, int saveEverySteps, double penaltyWeight, Compute compute) {
        this(runDir, modelDir, lora, optimizer, batchSize, accumulationSteps, epochs, seed, promptPool, lossPath, saveEverySteps, penaltyWeight, compute, false);
    }

    /** Float32 on the CPU. */
    public TrainConfig(Path runDir, Path modelDir, LoraConfig lora, AdamWConfig optimizer, int batchSize, int accumulationSteps,
                       int epochs, long seed, boolean promptPool, RrsObjective.Path lossPath, int saveEverySteps, double penaltyWeight) {
        this(runDir, modelDir, lora, optimizer, batchSize, accumulationSteps, epochs, seed, promptPool, lossPath, saveEverySteps, penaltyWeight, Compute.CPU);
    }

    /** The paper's LoRA penalty weight (1). */
    public TrainConfig(Path runDir, Path modelDir, LoraConfig lora, AdamWConfig optimizer, int batchSize, int accumulationSteps,
                       int epochs, long seed, boolean promptPool, RrsObjective.Path lossPath, int saveEverySteps) {
        this(runDir, modelDir, lora, optimizer, batchSize, accumulationSteps, epochs, seed, promptPool, lossPath, saveEverySteps, 1.0);
    }

    public TrainConfig {
        if (runDir == null) throw new IllegalArgumentException("--run DIR is required (the directory 'rrs reshape prepare' wrote)");
        if (lora == null) lora = LoraConfig.DEFAULT;
        if (optimizer == null) optimizer = AdamWConfig.DEFAULT;
        if (lossPath == null) lossPath = RrsObjective.Path.FUSED;
        if (compute == null) compute = Compute.CPU;
        if (batchSize < 1) throw new IllegalArgumentException("--batch-size " + batchSize + " must be >= 1 (default 4)");
        if (accumulationSteps < 1) throw new IllegalArgumentException("--accumulation " + accumulationSteps + " must be >= 1 (default 2)");
        if (epochs < 1) throw new IllegalArgumentException("--epochs " + epochs + " must be >= 1 (default 10)");
        if (!(penaltyWeight >= 0) || !Double.isFinite(penaltyWeight))
            throw new IllegalArgumentException("--penalty-weight " + penaltyWeight + " must be a number >= 0 (default 1, the paper's)");
        if (saveEverySteps < 0) throw new IllegalArgumentException("--save-every " + saveEverySteps + " must be >= 0 (0 = once per epoch)");
    }

    /** The paper's settings for a prepared run. */
    public static TrainConfig defaults(Path runDir) {
        return new TrainConfig(runDir, null, LoraConfig.DEFAULT, AdamWConfig.DEFAULT, 4, 2, 10, 20250519L, true, RrsObjective.Path.FUSED, 0);
    }

    public TrainConfig withEpochs(int n) {
        return new TrainConfig(runDir, modelDir, lora, optimizer, batchSize, accumulationSteps, n, seed, promptPool, lossPath, saveEverySteps, penaltyWeight, compute, activationCheckpointing);
    }

    public TrainConfig withPenaltyWeight(double w) {
        return new TrainConfig(runDir, modelDir, lora, optimizer, batchSize, accumulationSteps, epochs, seed, promptPool, lossPath, saveEverySteps, w, compute, activationCheckpointing);
    }

    /** The same settings run on another device or compute type (not part of a checkpoint's settings: a resumed run may move). */
    public TrainConfig withCompute(Compute c) {
        return new TrainConfig(runDir, modelDir, lora, optimizer, batchSize, accumulationSteps, epochs, seed, promptPool, lossPath, saveEverySteps, penaltyWeight, c,
                activationCheckpointing);
    }

    /** The same settings with activation checkpointing per decoder layer on or off (memory for time; not part of a checkpoint's settings). */
    public TrainConfig withActivationCheckpointing(boolean on) {
        return new TrainConfig(runDir, modelDir, lora, optimizer, batchSize, accumulationSteps, epochs, seed, promptPool, lossPath, saveEverySteps, penaltyWeight,
                compute, on);
    }

    /** The loop's share of the settings (batching, epochs, seed, prompt pool, extra checkpoints). */
    public LoraTrainLoop.Settings loop() {
        return new LoraTrainLoop.Settings(batchSize, accumulationSteps, epochs, seed, promptPool, saveEverySteps);
    }

    /** Everything that decides the trajectory, for a checkpoint (the run and model paths are not part of it). */
    public ObjectNode toJson() {
        ObjectNode o = RunFiles.JSON.createObjectNode();
        lora.putJson(o);
        optimizer.putJson(o);
        o.put("batch_size", batchSize).put("accumulation_steps", accumulationSteps).put("epochs", epochs).put("seed", seed)
                .put("prompt_pool", promptPool).put("loss_path", lossPath.name()).put("save_every_steps", saveEverySteps);
        if (penaltyWeight != 1.0) o.put("penalty_weight", penaltyWeight); // absent: the paper's 1, as checkpoints before the option
        return o;
    }

    /** The settings a checkpoint recorded, with this run directory and model (no loss path recorded: fused). */
    public static TrainConfig fromJson(JsonNode o, Path runDir, Path modelDir) {
        return new TrainConfig(runDir, modelDir, LoraConfig.fromJson(o), AdamWConfig.fromJson(o),
                o.path("batch_size").asInt(), o.path("accumulation_steps").asInt(), o.path("epochs").asInt(), o.path("seed").asLong(),
                o.path("prompt_pool").asBoolean(), RrsObjective.Path.valueOf(o.path("loss_path").asText("FUSED")), o.path("save_every_steps").asInt(),
                o.path("penalty_weight").asDouble(1.0));
    }
}
