package io.rrs.reshape;

import io.rrs.frontend.PreprocessorConfig;
import io.rrs.io.AtomicFiles;
import io.rrs.kernels.RrsObjective;
import io.rrs.model.Compute;
import io.rrs.model.ModelInput;
import io.rrs.model.OpenedModel;
import io.rrs.model.Qwen2AudioModel;
import io.rrs.model.Tensors;
import io.rrs.training.AdamWOptimizer;
import io.rrs.training.Checkpoint;
import io.rrs.training.LoraAdapters;
import io.rrs.training.LoraTrainLoop;
import io.rrs.training.Progress;
import io.rrs.training.Query;
import io.rrs.training.QueryBatches;
import io.rrs.training.StepListener;
import io.rrs.training.TrainConfig;
import io.rrs.training.dist.DataParallelBatches;
import io.rrs.training.dist.DistConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Scope: step 5 of the method (DESIGN section 3), {@code rrs reshape train}: LoRA on the frozen model,
 * each query fed with an instruction drawn from the pool of ten, loss {@code MSE(h, h0 +/- delta_m)} plus
 * the Gram-form LoRA penalty ({@link RrsObjective}), gradient accumulation, clipping, AdamW, and a
 * checkpoint per epoch, through the loop shared with {@code rrs sft train} ({@link LoraTrainLoop}).
 * Reproducible: LoRA init from the seed; per micro-batch the data order (a seeded shuffle per epoch), the
 * instruction draws and the dropout generator are derived from (seed, epoch, batch), so a resumed run
 * repeats an uninterrupted one exactly. Each optimiser step is appended to {@code RUN/train-log.jsonl}
 * ({@link io.rrs.training.TrainingLog}), which {@code rrs eval} plots.
 */
public final class ReshapeTrainer {
    /** Outcome: final state, the last checkpoint, and the measured throughput (queries per second of training). */
    public record Result(Checkpoint.State state, Path lastCheckpoint, double samplesPerSecond, long samplesThisRun, double seconds) {}

    private ReshapeTrainer() {}

    /**
     * Trains from scratch, or with {@code resumeFrom} (a checkpoint directory) continues where it stopped;
     * on resume the checkpoint's settings apply, except {@code epochs}, which may be raised.
     */
    public static Result train(TrainConfig requested, Path resumeFrom, Progress progress, StepListener listener) throws IOException {
        return train(requested, resumeFrom, progress, listener, DistConfig.single());
    }

    /**
     * Data-parallel training as rank {@code dist.rank()} of {@code dist.worldSize()} processes ({@code docs/reshape.md}):
     * every rank walks the same global batches and trains on its equal share of each; the gradients are averaged
     * over the ranks before clipping and AdamW, so all ranks hold the same adapters. Only rank 0 writes files.
     */
    public static Result train(TrainConfig requested, Path resumeFrom, Progress progress, StepListener listener, DistConfig dist)
            throws IOException {
        PreparedRun prepared = PreparedRun.load(requested.runDir());
        if (resumeFrom == null && Checkpoint.latest(requested.runDir()) != null)
            throw new IOException("run " + requested.runDir() + " already has checkpoints (" + Checkpoint.latest(requested.runDir())
                    + "); continue it with --resume, or train into a new --run DIR");
        Checkpoint resumed = resumeFrom == null ? null : Checkpoint.load(resumeFrom);
        TrainConfig config = resumed == null ? requested
                : TrainConfig.fromJson(resumed.state().config(), requested.runDir(), requested.modelDir()).withEpochs(requested.epochs())
                        .withCompute(requested.compute());
        Path modelDir = config.modelDir() != null ? config.modelDir() : prepared.modelDir();
        prepared.requireSameModel(modelDir, "train on the same model, or prepare a new run");
        int rows = prepared.queries().size();
        DataParallelBatches.check(rows, config.batchSize(), dist.worldSize());
        try (OpenedModel opened = OpenedModel.open(modelDir, config.compute())) { // frees the tokenizer's native memory when the stage ends
            prepared.requireSameFrontEnd(modelDir, PreprocessorConfig.toJson(opened.queries().frontEnd()),
                    "train with the front-end prepare used, or prepare a new run");
            torch.manual_seed(config.seed() & Long.MAX_VALUE);
            opened.model().cacheAudioEmbeddings(QueryBatches.AUDIO_EMBEDDING_CACHE_BYTES); // the tower is frozen: once per clip
            LoraAdapters lora = LoraAdapters.attach(opened.model(), config.lora());
            AdamWOptimizer optimizer = new AdamWOptimizer(lora.parameters(), config.optimizer());
            List<Query> queries = prepared.queries();
            Compute compute = config.compute();
            Tensor h0All = compute.place(prepared.tensor("h0")), signAll = compute.place(prepared.tensor("sign")),
                    deltaMasked = compute.place(prepared.tensor("delta_masked"));
            QueryBatches encoder = new QueryBatches(opened.queries(), prepared.audioPadding(), 1L << 30);
            LoraTrainLoop loop = new LoraTrainLoop(config.runDir(), modelDir, config.toJson(), config.loop(), lora, optimizer, dist,
                    "Lower --lr or check the prepared targets.").identifiedBy("prepare.json sha256", AtomicFiles.sha256(config.runDir().resolve(PreparedRun.DIR).resolve(PreparedRun.MANIFEST)));
            LoraTrainLoop.Result r = loop.run(rows, resumed, progress, listener::afterStep, (index, instructions) -> {
                List<Query> picked = new ArrayList<>();
                for (long i : index) picked.add(queries.get((int) i));
                ModelInput in = encoder.encode(picked, prepared.condition(), instructions, false);
                Tensor rowsIndex = compute.place(Tensors.longs(index, index.length));
                if (!config.activationCheckpointing())
                    return RrsObjective.backward(config.lossPath(), opened.model().lastTokenHidden(in), h0All.index_select(0, rowsIndex),
                            signAll.index_select(0, rowsIndex), deltaMasked, lora.factors(), config.penaltyWeight());
                Qwen2AudioModel.Checkpointed forward = opened.model().lastTokenHiddenCheckpointed(in);
                double loss = RrsObjective.backward(config.lossPath(), forward.hidden(), h0All.index_select(0, rowsIndex),
                        signAll.index_select(0, rowsIndex), deltaMasked, lora.factors(), config.penaltyWeight());
                forward.backward();
                return loss;
            });
            return new Result(r.state(), r.lastCheckpoint(), r.samplesPerSecond(), r.samplesThisRun(), r.seconds());
        }
    }
}
