package io.rrs.pretrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.frontend.PreprocessorConfig;
import io.rrs.frontend.WhisperOptions;
import io.rrs.io.AtomicFiles;
import io.rrs.io.FormatTag;
import io.rrs.model.Qwen2AudioConfig;
import io.rrs.model.Tensors;
import io.rrs.model.safetensors.SafetensorsFile;
import io.rrs.model.safetensors.SafetensorsWriter;
import io.rrs.training.RunFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Scope: what {@code rrs pretrain} writes. The model folder ({@code --out}): {@code config.json},
 * {@code model.safetensors}, {@code tokenizer.json} and {@code pretrain.json} (settings, steps, final
 * loss, SHA-256 of each file), built in a temporary folder and renamed into place. The resumable state
 * ({@code --state}): {@code step-NNNNNNNN/} with the weights, AdamW moments and {@code state.json}
 * (position, every loss, settings), hashed by {@link RunFiles}; {@code latest} names the newest.
 * Nothing holds a time stamp, so a rerun with the same seed and threads writes the same bytes.
 */
public final class PretrainFiles {
    static final String MANIFEST = "pretrain.json";
    /** The format tag of {@link #MANIFEST} (the committed models/demo-base carries it). */
    static final String MODEL_FORMAT = "rrs-demo-base/1";
    static final String STATE_MANIFEST = "checkpoint.json";
    /** The format tag of a state's {@link #STATE_MANIFEST}. */
    static final String STATE_FORMAT = "rrs-pretrain-state/1";
    static final String STATE = "state.json";
    private static final String REWRITE_MODEL = "rebuild the model with 'rrs pretrain' (docs/pretrain.md)";
    static final String LATEST = "latest";
    /** The teacher the knowing recipe learns from, as its settings record it. */
    static final String TEACHER_NAME = "all-minilm-l6-v2";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Where training continues (0-based epoch, next batch in it), the steps taken, every loss, the tensors. */
    record State(int epoch, int nextBatch, long step, List<Double> losses, Map<String, Tensor> model, Map<String, Tensor> optimizer) {}

    private PretrainFiles() {}

    /** The settings that decide the result (not paths or threads), for pretrain.json and the resume check. */
    static ObjectNode settingsJson(PretrainSettings s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("epochs", s.epochs()).put("steps", s.steps()).put("batch_size", s.batchSize()).put("lr", s.learningRate())
                .put("warmup", s.warmupFraction()).put("min_lr_ratio", s.minLearningRateRatio()).put("weight_decay", s.weightDecay())
                .put("clip_norm", s.clipNorm()).put("seed", s.seed()).put("limit", s.limit());
        if (s.firstTokenWeight() != 1.0) o.put("first_token_weight", s.firstTokenWeight());
        if (!s.tasks().equals(PretrainSettings.DEFAULT_TASKS)) o.put("tasks", PretrainTask.names(s.tasks()));
        if (s.teacher() != null)
            o.put("teacher", TEACHER_NAME).put("distill_weight", s.teacher().distillWeight()).put("answer_opening", "same").put("storage", "bf16");
        if (spells(s)) o.put("spelling_weight", s.teacher().spellingWeight()).put("spelling", Spelling.DESCRIPTION);
        if (spells(s) && s.teacher().spellFirstEpochs() > 0) o.put("spell_first_epochs", s.teacher().spellFirstEpochs());
        if (masksTranscription(s)) o.put("transcription_masking", SpecAugment.DESCRIPTION);
        if (s.teacher() != null && s.teacher().decoderFrozen()) o.put("decoder_frozen", true);
        if (s.initFrom() != null) {
            try { // the starting weights decide the result: recorded by content, not by path
                o.put("init_model_sha256", AtomicFiles.sha256(s.initFrom().resolve("model.safetensors")));
                if (Files.isRegularFile(s.initFrom().resolve(TRAINING_HEADS)))
                    o.put("init_heads_sha256", AtomicFiles.sha256(s.initFrom().resolve(TRAINING_HEADS)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return o;
    }

    /**
     * Whether transcription batches are masked ({@link SpecAugment}): in the teacher's recipes, whose grounding hears the
     * many-voice corpus. Decided here, where it is recorded, so the resume check sees it.
     */
    static boolean masksTranscription(PretrainSettings s) {
        return s.teacher() != null && s.tasks().contains(PretrainTask.AUDIO_TRANSCRIBE);
    }

    /** Whether transcription batches add the characters' CTC ({@link Spelling}). */
    static boolean spells(PretrainSettings s) {
        return s.teacher() != null && s.teacher().spellingWeight() > 0 && s.tasks().contains(PretrainTask.AUDIO_TRANSCRIBE);
    }

    static Path latest(Path stateDir) throws IOException {
        Path pointer = stateDir.resolve(LATEST);
        if (!Files.isRegularFile(pointer)) return null;
        Path dir = stateDir.resolve(Files.readString(pointer).trim());
        if (!Files.isDirectory(dir)) throw new IOException(pointer + " names " + dir + ", which does not exist; start again with a new --state DIR");
        return dir;
    }

    static void saveState(PretrainSettings s, State state) throws IOException {
        Path target = s.stateDir().resolve(String.format("step-%08d", state.step()));
        Path previous = latest(s.stateDir());
        Path tmp = AtomicFiles.tempDirFor(target);
        SafetensorsWriter.write(tmp.resolve("model.safetensors"), state.model());
        SafetensorsWriter.write(tmp.resolve("optimizer.safetensors"), state.optimizer(), Map.of("step", String.valueOf(state.step())));
        ObjectNode json = JSON.createObjectNode();
        json.put("epoch", state.epoch()).put("next_batch", state.nextBatch()).put("step", state.step());
        json.set("settings", settingsJson(s));
        var losses = json.putArray("losses");
        state.losses().forEach(losses::add);
        RunFiles.writeJson(tmp.resolve(STATE), json);
        RunFiles.commit(tmp, target, STATE_MANIFEST, JSON.createObjectNode().put(FormatTag.FIELD, STATE_FORMAT));
        AtomicFiles.writeString(s.stateDir().resolve(LATEST), target.getFileName() + "\n");
        if (previous != null && !previous.equals(target)) AtomicFiles.deleteTree(previous); // keep one state: each holds the weights twice over
    }

    /** The latest state, verified; its settings must equal the requested ones (a changed setting would change the run). */
    static State loadState(PretrainSettings s) throws IOException {
        Path dir = verifiedLatest(s.stateDir(), "to resume; run without --resume",
                "start again without --resume and with a new --state DIR (this rrs version cannot continue it)");
        JsonNode json = JSON.readTree(dir.resolve(STATE).toFile());
        if (!json.path("settings").toString().equals(settingsJson(s).toString())) // by text: a long and an int node differ
            throw new IllegalArgumentException("--resume with other settings than " + dir + " was trained with: it has " + json.path("settings")
                    + ", the command asks for " + settingsJson(s) + "; pass the same options");
        List<Double> losses = new ArrayList<>();
        json.path("losses").forEach(l -> losses.add(l.asDouble()));
        return new State(json.path("epoch").asInt(), json.path("next_batch").asInt(), json.path("step").asLong(), losses,
                tensors(dir.resolve("model.safetensors")), tensors(dir.resolve("optimizer.safetensors")));
    }

    /**
     * The trained tensors of the latest state in {@code stateDir} (the model's and the training heads', float32, as
     * {@link #loadState} reads them; no optimizer), its files verified: what a stage learned, for measuring it.
     */
    static Map<String, Tensor> stateWeights(Path stateDir) throws IOException {
        Path dir = verifiedLatest(stateDir, "(no '" + LATEST + "' file naming a step); pass the folder a stage saved its state to, "
                + "e.g. STATE/hear of --recipe knowing-hearing", "pass a state this rrs version wrote");
        return tensors(dir.resolve("model.safetensors"));
    }

    /** The state {@code latest} names in {@code stateDir}, its format tag and every file's hash checked. */
    private static Path verifiedLatest(Path stateDir, String whenNone, String whenUnreadable) throws IOException {
        Path dir = latest(stateDir);
        if (dir == null) throw new IOException(stateDir + " holds no pretraining state " + whenNone);
        RunFiles.verify(dir, STATE_MANIFEST, "pretraining state", STATE_FORMAT, whenUnreadable);
        return dir;
    }

    /**
     * The front-end a pretraining run trains with and writes into its model folder: the {@code --init} folder's
     * {@code preprocessor_config.json} when it has one, else the default window of the audio tower.
     */
    public static WhisperOptions frontEnd(Path initFrom, Qwen2AudioConfig config) throws IOException {
        int mels = config.audio().numMelBins(), frames = config.audio().maxFrames();
        return initFrom != null ? PreprocessorConfig.load(initFrom, mels, frames) : PreprocessorConfig.forEncoder(mels, frames);
    }

    /** Writes the model folder: built next to {@code --out}, then swapped in by renames ({@link RunFiles#commit}). */
    static void writeModel(PretrainSettings s, Qwen2AudioConfig config, Map<String, Tensor> parameters, State state) throws IOException {
        Path out = s.outDir().toAbsolutePath().normalize();
        Path tmp = AtomicFiles.tempDirFor(out);
        Files.writeString(tmp.resolve("config.json"), s.size().configJson());
        SafetensorsWriter.write(tmp.resolve("model.safetensors"), modelTensors(parameters, s.teacher() != null));
        Map<String, Tensor> heads = trainingHeads(parameters);
        if (!heads.isEmpty()) SafetensorsWriter.write(tmp.resolve(TRAINING_HEADS), heads);
        Files.copy(s.tokenizerFile(), tmp.resolve("tokenizer.json"));
        PreprocessorConfig.write(tmp, frontEnd(s.initFrom(), config));
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put(FormatTag.FIELD, MODEL_FORMAT).put("command", "rrs pretrain").put("step", state.step()).put("epochs_done", state.epoch());
        manifest.put("final_loss", state.losses().isEmpty() ? Double.NaN : state.losses().get(state.losses().size() - 1));
        manifest.set("settings", settingsJson(s));
        RunFiles.commit(tmp, out, MANIFEST, manifest);
    }

    /** The model's tensors among the trained ones (the training-only head left out), as bfloat16 when {@code bf16}. */
    static Map<String, Tensor> modelTensors(Map<String, Tensor> parameters, boolean bf16) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        parameters.forEach((name, t) -> {
            if (!TrainingHead.owns(name)) out.put(name, bf16 ? t.detach().to(org.bytedeco.pytorch.global.torch.ScalarType.BFloat16) : t);
        });
        return out;
    }

    /** A model folder's {@value #MANIFEST}, its format tag checked and every file it lists verified. */
    static JsonNode verifyModel(Path modelDir) throws IOException {
        return RunFiles.verify(modelDir, MANIFEST, "pretrained model", MODEL_FORMAT, REWRITE_MODEL);
    }

    /**
     * A {@value #MANIFEST} record on its own, its format tag checked: an earlier stage's, kept beside the final
     * model as {@code <stage>-pretrain.json} ({@link PretrainRecipe#recordName}) without the files it lists.
     */
    static JsonNode readModelRecord(Path file) throws IOException {
        return RunFiles.readTagged(file, "pretraining record", MODEL_FORMAT, REWRITE_MODEL);
    }

    /**
     * The training heads' tensors ({@link TrainingHead}), float32: written beside a model folder's weights so that a stage
     * continuing from the folder reads through the heads its predecessor trained (the distillation head is fitted to
     * the decoder; a fresh random one would be a different reading). Not part of the model: the runtime and the export
     * never read it.
     */
    static final String TRAINING_HEADS = "training-heads.safetensors";

    private static Map<String, Tensor> trainingHeads(Map<String, Tensor> parameters) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        parameters.forEach((name, t) -> {
            if (TrainingHead.owns(name)) out.put(name, t.detach());
        });
        return out;
    }

    /** A model folder's weights as writable tensors (the start of a continued pretraining), with its training heads when it has them. */
    static Map<String, Tensor> modelWeights(Path modelDir) throws IOException {
        Map<String, Tensor> out = tensors(modelDir.resolve("model.safetensors"));
        if (Files.isRegularFile(modelDir.resolve(TRAINING_HEADS))) out.putAll(tensors(modelDir.resolve(TRAINING_HEADS)));
        return out;
    }

    /** Writable float32 copies (a bfloat16 model folder is widened: training runs in float32), not the mapping. */
    private static Map<String, Tensor> tensors(Path file) throws IOException {
        SafetensorsFile f = SafetensorsFile.open(file);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : f.entries().keySet())
            out.put(name, Tensors.keep(f.tensor(name).to(org.bytedeco.pytorch.global.torch.ScalarType.Float).clone()));
        return out;
    }
}
