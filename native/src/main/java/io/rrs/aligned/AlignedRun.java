package io.rrs.aligned;

import com.fasterxml.jackson.databind.JsonNode;
import io.rrs.io.AtomicFiles;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import io.rrs.reshape.PreparedRun;
import io.rrs.sft.SftTargets;
import io.rrs.training.Checkpoint;
import io.rrs.training.CorruptRunException;
import io.rrs.training.LoraAdapters;
import io.rrs.training.LoraConfig;
import io.rrs.training.TrainingLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Scope: a trained LoRA run as its consumers read it ({@code rrs eval --aligned}, {@code rrs export
 * --lora}): either the run folder (its {@code checkpoints/latest} is taken) or one checkpoint directory
 * ({@code RUN/checkpoints/step-NNNNNNNN}), of {@code rrs reshape train} or of another trainer that writes the
 * same checkpoints through {@link LoraTrainLoop} ({@code rrs sft train}; its settings name it as
 * {@code "trainer"}, see {@link #trainer()}). The checkpoint is loaded with {@link Checkpoint#load}, so every
 * file's size and SHA-256 is verified; the prepare output beside it (delta_m, targets) likewise through
 * {@link PreparedRun#load}. The adapters are applied with the trainer's own {@link LoraAdapters}, so what
 * is evaluated or exported is exactly the forward pass that was trained (with dropout off).
 */
public final class AlignedRun {
    private static final String ADAPTER_A = ".lora_A.weight", ADAPTER_B = ".lora_B.weight";

    private final Path runDir; // null: a checkpoint directory copied out of its run
    private final Checkpoint checkpoint;
    private final LoraConfig lora;
    private PreparedRun prepared;

    /** One projection's trained factors with s = alpha / rank (A [r, in], B [out, r]). */
    public record ProjectionFactors(String projection, Tensor a, Tensor b, double scale) {}

    private AlignedRun(Path runDir, Checkpoint checkpoint, LoraConfig lora) {
        this.runDir = runDir;
        this.checkpoint = checkpoint;
        this.lora = lora;
    }

    /**
     * True for what {@link #open} reads: a checkpoint directory (it holds {@code checkpoint.json}, or
     * sits in a {@code checkpoints/} folder with an adapter file, so an incomplete one is refused by name
     * rather than ignored) or a run folder (it holds {@code checkpoints/} or a {@code prepare/} output).
     */
    public static boolean looksLikeRun(Path path) {
        if (path == null || !Files.isDirectory(path)) return false;
        return isCheckpointDir(path) || Files.isDirectory(path.resolve(Checkpoint.DIR))
                || Files.isRegularFile(path.resolve(PreparedRun.DIR).resolve(PreparedRun.MANIFEST));
    }

    private static boolean isCheckpointDir(Path path) {
        if (Files.isRegularFile(path.resolve(Checkpoint.MANIFEST))) return true;
        Path parent = path.toAbsolutePath().normalize().getParent();
        return parent != null && parent.getFileName() != null && parent.getFileName().toString().equals(Checkpoint.DIR)
                && Files.isRegularFile(path.resolve(Checkpoint.ADAPTER));
    }

    /** Loads and verifies the checkpoint of a run folder ({@code latest}) or a checkpoint directory. */
    public static AlignedRun open(Path path) throws IOException {
        return open(path, Checkpoint.RESHAPE);
    }

    /**
     * As {@link #open(Path)}; {@code trainer} ("reshape", "sft") names the command in the error for a run folder
     * without a checkpoint.
     */
    public static AlignedRun open(Path path, String trainer) throws IOException {
        Path abs = path.toAbsolutePath().normalize();
        Path checkpointDir, runDir;
        if (isCheckpointDir(abs)) {
            checkpointDir = abs;
            Path parent = abs.getParent();
            boolean inRun = parent != null && parent.getFileName().toString().equals(Checkpoint.DIR);
            runDir = inRun ? parent.getParent() : null;
        } else {
            runDir = abs;
            checkpointDir = Checkpoint.latest(abs);
            if (checkpointDir == null)
                throw new IOException(trainer + " run " + abs + " has no checkpoint yet (no " + Checkpoint.DIR + "/" + Checkpoint.LATEST
                        + "); train it with 'rrs " + trainer + " train --run " + abs + "', or pass one of its " + Checkpoint.DIR + "/step-* directories");
        }
        Checkpoint checkpoint = Checkpoint.load(checkpointDir);
        return new AlignedRun(runDir, checkpoint, LoraConfig.fromJson(checkpoint.state().config()));
    }

    /**
     * The trainer that wrote the checkpoint at {@code path} (a checkpoint directory, or a run folder's {@code latest}),
     * read without verifying hashes (for choosing a loader; loading verifies): its settings' {@code "trainer"}, or
     * "reshape" when they name none; null when no checkpoint can be read.
     */
    public static String trainerOf(Path path) {
        try {
            Path abs = path.toAbsolutePath().normalize();
            Path dir = isCheckpointDir(abs) ? abs : Checkpoint.latest(abs);
            if (dir == null || !Files.isRegularFile(dir.resolve(Checkpoint.STATE))) return null;
            return Checkpoint.unverifiedState(dir).config().path(Checkpoint.TRAINER_KEY).asText(Checkpoint.RESHAPE);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public Path checkpointDir() {
        return checkpoint.dir();
    }

    /** The run folder, or null for a checkpoint directory outside one. */
    public Path runDir() {
        return runDir;
    }

    public Checkpoint.State state() {
        return checkpoint.state();
    }

    public LoraConfig lora() {
        return lora;
    }

    /** The trainer that wrote this checkpoint ("reshape" unless its settings name another, e.g. "sft"). */
    public String trainer() {
        return checkpoint.state().config().path(Checkpoint.TRAINER_KEY).asText(Checkpoint.RESHAPE);
    }

    /** E.g. "rrs reshape run, step-00000012 (epoch 3, 12 optimiser steps)", for reports. */
    public String describe() {
        return "rrs " + trainer() + " run, " + checkpoint.dir().getFileName() + " (epoch " + state().epoch() + ", " + state().optimizerSteps()
                + " optimiser steps, LoRA r " + lora.rank() + " alpha " + lora.alpha() + ")";
    }

    /** The run's prepare output (verified), or null when this checkpoint is not inside a prepared run. */
    public PreparedRun prepared() throws IOException {
        if (prepared == null && runDir != null && Files.isDirectory(runDir.resolve(PreparedRun.DIR))) prepared = PreparedRun.load(runDir);
        return prepared;
    }

    /** The run's {@code train-log.jsonl} (all steps written so far), or null when there is none. */
    public Path trainingLog() {
        if (runDir == null) return null;
        Path log = runDir.resolve(TrainingLog.FILE_NAME);
        return Files.isRegularFile(log) ? log : null;
    }

    /**
     * Refuses a base model other than the one the run was trained on (SHA-256 of its config.json, as training
     * checks): the one prepare recorded for a reshape run, the one {@code RUN/sft.json} records
     * ({@code "model"}, {@code "model_config_sha256"}, read by {@link SftTargets}) for an sft run. Without
     * either record only the adapter shapes are checked, when they are applied.
     */
    public void checkBase(Path baseDir) throws IOException {
        PreparedRun p = prepared();
        String expected, trainedOn;
        if (p != null) {
            expected = p.modelConfigSha256();
            trainedOn = p.modelDir().toString();
        } else {
            if (runDir == null || !SftTargets.TRAINER.equals(trainer()) || !SftTargets.exists(runDir)) return;
            JsonNode json = SftTargets.readManifest(runDir);
            expected = json.path("model_config_sha256").asText();
            trainedOn = json.path("model").asText();
        }
        String actual = AtomicFiles.sha256(baseDir.resolve("config.json"));
        if (!actual.equals(expected))
            throw new IOException("base model " + baseDir.toAbsolutePath() + " is not the model " + trainer() + " run " + runDir + " was trained on ("
                    + trainedOn + ": its config.json differs); pass that model as the base");
    }

    /**
     * Attaches the trained adapters to {@code model} through its projection seam, in inference mode
     * (no dropout, no autograd). Returns the same model, now computing base + LoRA.
     */
    public Qwen2AudioModel applyTo(Qwen2AudioModel model) {
        LoraAdapters adapters = LoraAdapters.attach(model, lora); // draws a random A, overwritten next
        adapters.load(checkpoint.adapter(), checkpoint.dir().resolve(Checkpoint.ADAPTER).toString());
        adapters.freeze();
        return model;
    }

    /** The trained factors per projection, for merging into the base weights (export). */
    public List<ProjectionFactors> factors() throws IOException {
        List<ProjectionFactors> out = new ArrayList<>();
        Map<String, Tensor> tensors = checkpoint.adapter();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name.endsWith(ADAPTER_B)) continue;
            Path file = checkpoint.dir().resolve(Checkpoint.ADAPTER);
            if (!name.endsWith(ADAPTER_A)) throw new CorruptRunException(file + ": tensor " + name + " is not a LoRA factor; rewrite the checkpoint");
            String projection = name.substring(0, name.length() - ADAPTER_A.length());
            Tensor b = tensors.get(projection + ADAPTER_B);
            if (b == null) throw new CorruptRunException(file + ": " + projection + " has lora_A but no lora_B; rewrite the checkpoint");
            out.add(new ProjectionFactors(projection, e.getValue(), b, lora.scale()));
        }
        return out;
    }

    /** delta_m of the run ([hidden], float32), or null without a prepare output. */
    public float[] deltaM() throws IOException {
        PreparedRun p = prepared();
        return p == null ? null : Tensors.toFloats(p.tensor("delta_masked").contiguous());
    }

    /**
     * Representations for calibrating the guard's threshold: the training targets of the harmful rows
     * (h0 + delta_m) or the benign rows (h0 - delta_m), [N, hidden]. Why the targets and not h0: the
     * exported graphs are the aligned model, whose h(x) training drove to these points; h0 is the
     * frozen base model's and would calibrate the threshold for the model before alignment.
     */
    public Tensor calibrationTargets(boolean harmful) throws IOException {
        PreparedRun p = prepared();
        if (p == null) return null;
        Tensor sign = p.tensor("sign");
        Tensor rows = torch.nonzero(harmful ? sign.gt(Tensors.scalar(0)) : sign.lt(Tensors.scalar(0))).flatten();
        return Tensors.keep(p.tensor("targets").index_select(0, rows).contiguous());
    }
}
