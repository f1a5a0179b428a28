package io.rrs.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.io.AtomicFiles;
import io.rrs.io.FormatTag;
import io.rrs.model.Tensors;
import io.rrs.model.safetensors.SafetensorsFile;
import io.rrs.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Scope: one training checkpoint, {@code RUN/checkpoints/step-NNNNNNNN/}: {@code adapter.safetensors}
 * (LoRA factors by PEFT name), {@code adapter_config.json} (r, alpha, dropout, target projections),
 * {@code optimizer.safetensors} (AdamW moments), {@code state.json} (where to continue, settings, loss
 * history) and {@code checkpoint.json} (SHA-256 of each, written last). Directories appear atomically
 * ({@link RunFiles}); {@code RUN/checkpoints/latest} names the newest and is replaced atomically after it.
 * Dropout and data order are derived from (seed, epoch, batch), so no RNG state needs saving.
 */
public record Checkpoint(Path dir, State state, Map<String, Tensor> adapter, Map<String, Tensor> optimizer) {
    /** The settings key that names the trainer of a checkpoint ({@code rrs sft train} writes "sft"). */
    public static final String TRAINER_KEY = "trainer";
    /** The trainer of a checkpoint whose settings name none: every {@code rrs reshape train} run. */
    public static final String RESHAPE = "reshape";

    public static final String DIR = "checkpoints";
    public static final String LATEST = "latest";
    public static final String MANIFEST = "checkpoint.json";
    /** The format tag of {@link #MANIFEST}. */
    public static final String FORMAT = "rrs-lora-checkpoint/1";
    public static final String ADAPTER = "adapter.safetensors";
    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String STATE = "state.json";

    /** One optimiser step's mean loss. */
    public record StepLoss(int epoch, long step, double loss) {}

    /**
     * Where training continues: {@code epoch} (0-based) and {@code nextBatch} (micro-batch index inside it);
     * {@code optimizerSteps} and {@code samplesSeen} so far; every step's loss; the settings.
     */
    public record State(int epoch, int nextBatch, long optimizerSteps, long samplesSeen, List<StepLoss> losses, JsonNode config) {
        ObjectNode toJson() {
            ObjectNode o = RunFiles.JSON.createObjectNode();
            o.put("epoch", epoch).put("next_batch", nextBatch).put("optimizer_steps", optimizerSteps).put("samples_seen", samplesSeen);
            o.set("config", config);
            ArrayNode l = o.putArray("losses");
            for (StepLoss s : losses) l.addObject().put("epoch", s.epoch()).put("step", s.step()).put("loss", s.loss());
            return o;
        }

        static State fromJson(JsonNode o) {
            List<StepLoss> losses = new ArrayList<>();
            for (JsonNode s : o.path("losses")) losses.add(new StepLoss(s.path("epoch").asInt(), s.path("step").asLong(), s.path("loss").asDouble()));
            return new State(o.path("epoch").asInt(), o.path("next_batch").asInt(), o.path("optimizer_steps").asLong(),
                    o.path("samples_seen").asLong(), losses, o.path("config"));
        }
    }

    public static Path checkpointsDir(Path runDir) {
        return runDir.resolve(DIR);
    }

    /** The directory of the checkpoint after optimiser step {@code steps}. */
    public static Path dirFor(Path runDir, long steps) {
        return checkpointsDir(runDir).resolve(String.format("step-%08d", steps));
    }

    /** Writes a checkpoint and then points {@code latest} at it; returns its directory. */
    public static Path save(Path runDir, State state, LoraAdapters lora, AdamWOptimizer optimizer, Path modelDir) throws IOException {
        Path target = dirFor(runDir, state.optimizerSteps()); // may exist: the same step written again (an epoch end after --save-every)
        Path tmp = AtomicFiles.tempDirFor(target);
        SafetensorsWriter.write(tmp.resolve(ADAPTER), lora.parameters(),
                Map.of("lora_rank", String.valueOf(lora.config().rank()), "lora_alpha", String.valueOf(lora.config().alpha())));
        SafetensorsWriter.write(tmp.resolve(OPTIMIZER), optimizer.state(), Map.of("step", String.valueOf(optimizer.steps())));
        ObjectNode adapterConfig = RunFiles.JSON.createObjectNode();
        adapterConfig.put("peft_type", "LORA").put("r", lora.config().rank()).put("lora_alpha", lora.config().alpha())
                .put("lora_dropout", lora.config().dropout()).put("base_model", modelDir.toAbsolutePath().normalize().toString());
        ArrayNode modules = adapterConfig.putArray("target_modules");
        for (String m : List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")) modules.add(m);
        RunFiles.writeJson(tmp.resolve("adapter_config.json"), adapterConfig);
        RunFiles.writeJson(tmp.resolve(STATE), state.toJson());
        ObjectNode manifest = RunFiles.JSON.createObjectNode();
        manifest.put(FormatTag.FIELD, FORMAT).put("optimizer_steps", state.optimizerSteps()).put("epoch", state.epoch());
        RunFiles.commit(tmp, target, MANIFEST, manifest);
        AtomicFiles.writeString(checkpointsDir(runDir).resolve(LATEST), target.getFileName() + "\n");
        return target;
    }

    /** The checkpoint {@code latest} names, or null when the run has none yet. */
    public static Path latest(Path runDir) throws IOException {
        Path pointer = checkpointsDir(runDir).resolve(LATEST);
        if (!Files.exists(pointer)) return null;
        String name = Files.readString(pointer).trim();
        if (name.isEmpty() || name.contains("/") || name.contains(".."))
            throw new CorruptRunException(pointer + " does not name a checkpoint (\"" + name + "\"); resume from a directory in "
                    + checkpointsDir(runDir) + " with --resume-from DIR");
        Path dir = checkpointsDir(runDir).resolve(name);
        if (!Files.isDirectory(dir))
            throw new CorruptRunException(pointer + " names " + dir + ", which does not exist; resume from another checkpoint with --resume-from DIR");
        return dir;
    }

    /** Reads and verifies a checkpoint directory; a missing, half-written or corrupted file fails, named. */
    public static Checkpoint load(Path dir) throws IOException {
        RunFiles.verify(dir, MANIFEST, "checkpoint", FORMAT, "train again ('rrs reshape train' or 'rrs sft train') to write the run's checkpoints");
        return new Checkpoint(dir, unverifiedState(dir), tensors(dir.resolve(ADAPTER)), tensors(dir.resolve(OPTIMIZER)));
    }

    /** The checkpoint's {@value #STATE} without verifying any hash (for choosing a loader; {@link #load} verifies). */
    public static State unverifiedState(Path dir) throws IOException {
        return State.fromJson(RunFiles.JSON.readTree(dir.resolve(STATE).toFile()));
    }

    /** The optimiser step count recorded in optimizer.safetensors. */
    public long optimizerStepCount() throws IOException {
        return Long.parseLong(SafetensorsFile.open(dir.resolve(OPTIMIZER)).metadata().getOrDefault("step", "0"));
    }

    private static Map<String, Tensor> tensors(Path file) throws IOException {
        SafetensorsFile f = SafetensorsFile.open(file);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : f.entries().keySet()) out.put(name, Tensors.keep(f.tensor(name).clone()));
        return out;
    }
}
