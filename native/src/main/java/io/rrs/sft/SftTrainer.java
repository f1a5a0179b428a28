package io.rrs.sft;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rrs.model.OpenedModel;
import io.rrs.training.AdamWOptimizer;
import io.rrs.training.AnswerTokens;
import io.rrs.training.Checkpoint;
import io.rrs.training.LoraAdapters;
import io.rrs.training.LoraTrainLoop;
import io.rrs.training.Progress;
import io.rrs.training.Query;
import io.rrs.training.QueryBatches;
import io.rrs.training.StepListener;
import io.rrs.training.TrainConfig;
import io.rrs.training.dist.DistConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Scope: {@code rrs sft train}, the supervised fine-tuning baseline the paper compares RRS with: the same
 * LoRA on the same rows with the same budget ({@link TrainConfig}'s settings through the loop RRS trains with,
 * {@link LoraTrainLoop}: prompt pool, seeded order and dropout, batch 4 x 2 accumulation, clipping, AdamW,
 * 10 epochs, per-epoch checkpoints, exact resume), but the loss is cross-entropy on target answers
 * ({@link AnswerTokens}: prompt + answer + {@code <|im_end|>}, answer tokens only): harmful rows the refusal
 * answer, benign rows the base model's own greedy answer ({@link SftTargets}).
 */
public final class SftTrainer {
    /** Outcome of the loop, and the rows it trained on. */
    public record Result(LoraTrainLoop.Result training, SftTargets.Targets targets) {}

    private SftTrainer() {}

    /**
     * Trains from scratch (generating or reusing the run's targets), or with {@code resumeFrom} (a checkpoint
     * directory) continues exactly; on resume sft.json's settings and the checkpoint's apply, except
     * {@code train.epochs()}, which may be raised. {@code data.modelDir()} may be null on resume (the recorded model).
     */
    public static Result train(SftData data, TrainConfig train, Path resumeFrom, Progress targetsProgress, Progress progress,
                               StepListener listener) throws IOException {
        if (train.activationCheckpointing())
            throw new IllegalArgumentException("--activation-checkpointing applies to 'rrs reshape train' (its loss reads h only); train SFT without it");
        Path runDir = train.runDir();
        if (resumeFrom == null && Checkpoint.latest(runDir) != null)
            throw new IOException("run " + runDir + " already has checkpoints (" + Checkpoint.latest(runDir)
                    + "); continue it with --resume, or train into a new --run DIR");
        Checkpoint resumed = resumeFrom == null ? null : Checkpoint.load(resumeFrom);
        TrainConfig config = train;
        if (resumed != null) {
            String trainer = resumed.state().config().path(Checkpoint.TRAINER_KEY).asText(Checkpoint.RESHAPE);
            if (!trainer.equals(SftTargets.TRAINER))
                throw new IOException(resumeFrom + " is a checkpoint of 'rrs " + trainer + " train', not of 'rrs sft train'; resume it with that command");
            if (!SftTargets.exists(runDir))
                throw new IOException("run " + runDir + " has checkpoints but no " + SftTargets.MANIFEST + "; it is not an sft run, or that file was deleted");
            SftData recorded = SftTargets.load(runDir).data();
            data = recorded.withModel(data == null || data.modelDir() == null ? recorded.modelDir() : data.modelDir());
            config = TrainConfig.fromJson(resumed.state().config(), runDir, data.modelDir()).withEpochs(train.epochs()).withCompute(train.compute());
        }
        if (data.modelDir() == null) throw new IllegalArgumentException("--model DIR is required to start an sft run (the base model to fine-tune)");
        try (OpenedModel opened = OpenedModel.open(data.modelDir(), config.compute())) { // frees the tokenizer's native memory when the stage ends
            opened.model().cacheAudioEmbeddings(QueryBatches.AUDIO_EMBEDDING_CACHE_BYTES); // the tower is frozen: once per clip
            QueryBatches encoder = new QueryBatches(opened.queries(), data.audioPadding(), 1L << 30);
            // before any adapter exists: the benign targets are the frozen base model's answers
            SftTargets.Targets targets = SftTargets.prepare(runDir, data, opened, encoder, targetsProgress);
            List<Query> queries = new ArrayList<>();
            List<int[]> answers = new ArrayList<>();
            for (SftTargets.Row r : targets.rows()) {
                queries.add(r.query());
                answers.add(opened.template().encodeAnswer(r.answer()));
            }

            torch.manual_seed(config.seed() & Long.MAX_VALUE);
            LoraAdapters lora = LoraAdapters.attach(opened.model(), config.lora());
            AdamWOptimizer optimizer = new AdamWOptimizer(lora.parameters(), config.optimizer());
            LoraTrainLoop loop = new LoraTrainLoop(runDir, data.modelDir(), settingsJson(config), config.loop(), lora, optimizer, DistConfig.single(),
                    "Lower --lr or check " + runDir.resolve(SftTargets.FILE) + ".");
            SftData d = data;
            LoraTrainLoop.Result result = loop.run(queries.size(), resumed, progress, listener, (index, instructions) -> {
                List<Query> picked = new ArrayList<>();
                List<int[]> pickedAnswers = new ArrayList<>();
                for (long i : index) {
                    picked.add(queries.get((int) i));
                    pickedAnswers.add(answers.get((int) i));
                }
                Tensor loss = AnswerTokens.loss(opened.model(), encoder.encodeWithAnswers(picked, d.condition(), instructions, pickedAnswers));
                loss.backward();
                return loss.item_double();
            });
            return new Result(result, targets);
        }
    }

    /** The checkpoints' record of the settings: the trainer's name, then TrainConfig's (without the loss path, unused here). */
    static ObjectNode settingsJson(TrainConfig config) {
        ObjectNode o = SftTargets.JSON.createObjectNode().put(Checkpoint.TRAINER_KEY, SftTargets.TRAINER);
        o.setAll(config.toJson());
        o.remove("loss_path");
        return o;
    }
}
