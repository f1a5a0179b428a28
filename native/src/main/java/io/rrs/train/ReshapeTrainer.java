package io.rrs.train;

import io.rrs.kernels.RrsObjective;
import io.rrs.model.ModelInput;
import io.rrs.model.Tensors;
import io.rrs.text.Prompts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import io.rrs.train.dist.DataParallelBatches;
import io.rrs.train.dist.DataParallelGroup;
import io.rrs.train.dist.DistConfig;
import io.rrs.train.dist.GradientAverager;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Scope: step 5 of the method (DESIGN section 3), {@code rrs reshape train}: LoRA on the frozen model,
 * each query fed with an instruction drawn from the pool of ten, loss {@code MSE(h, h0 +/- delta_m)} plus
 * the Gram-form LoRA penalty ({@link RrsObjective}), gradient accumulation, clipping, AdamW, and a
 * checkpoint per epoch. Reproducible: LoRA init from the seed; per micro-batch the data order (a seeded
 * shuffle per epoch), the instruction draws and the dropout generator are derived from (seed, epoch,
 * batch), so a resumed run repeats an uninterrupted one exactly. Each optimiser step is appended to
 * {@code RUN/train-log.jsonl} ({@link TrainingLogWriter}), which {@code rrs eval} plots.
 */
public final class ReshapeTrainer {
    /** Called after every optimiser step (tests use it to simulate a kill). */
    @FunctionalInterface
    public interface StepListener {
        void afterStep(long optimizerSteps, double loss);
    }

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
                : TrainConfig.fromJson(resumed.state().config(), requested.runDir(), requested.modelDir()).withEpochs(requested.epochs());
        Path modelDir = config.modelDir() != null ? config.modelDir() : prepared.modelDir();
        if (!RunFiles.sha256(modelDir.resolve("config.json")).equals(prepared.modelConfigSha256()))
            throw new IOException(modelDir.resolve("config.json") + " differs from the model prepare used (" + prepared.modelDir()
                    + "); train on the same model, or prepare a new run");
        int rows = prepared.queries().size();
        DataParallelBatches.check(rows, config.batchSize(), dist.worldSize());
        ReshapePrepare.OpenedModel opened = ReshapePrepare.openModel(modelDir);

        torch.manual_seed(config.seed() & Long.MAX_VALUE);
        LoraAdapters lora = LoraAdapters.attach(opened.model(), config.lora());
        AdamWOptimizer optimizer = new AdamWOptimizer(lora.parameters(), config.optimizer());
        Checkpoint.State state = new Checkpoint.State(0, 0, 0, 0, List.of(), config.toJson());
        Path lastCheckpoint = null;
        if (resumed != null) {
            lora.load(resumed.adapter(), resumeFrom.resolve(Checkpoint.ADAPTER).toString());
            optimizer.load(resumed.optimizer(), resumed.optimizerStepCount(), resumeFrom.resolve(Checkpoint.OPTIMIZER).toString());
            state = new Checkpoint.State(resumed.state().epoch(), resumed.state().nextBatch(), resumed.state().optimizerSteps(),
                    resumed.state().samplesSeen(), resumed.state().losses(), config.toJson());
            lastCheckpoint = resumeFrom;
        }

        List<Query> queries = prepared.queries();
        Tensor h0All = prepared.tensor("h0"), signAll = prepared.tensor("sign"), deltaMasked = prepared.tensor("delta_masked");
        QueryEncoder encoder = new QueryEncoder(opened.model().config(), opened.template(), prepared.audioPadding(), 1L << 30);
        int batches = (rows + config.batchSize() - 1) / config.batchSize();
        long totalBatches = (long) batches * config.epochs();
        List<Checkpoint.StepLoss> losses = new ArrayList<>(state.losses());
        long steps = state.optimizerSteps(), samples = state.samplesSeen(), samplesThisRun = 0;
        long started = System.nanoTime();
        lora.train(true);
        // the group is joined after every check above, so a rank with a bad setting fails alone, before the others wait on it;
        // train-log.jsonl for `rrs eval`'s loss plot (rank 0 only): on resume rewritten from the checkpoint's history first
        try (DataParallelGroup group = dist.distributed() ? DataParallelGroup.join(dist) : null;
             TrainingLogWriter trainLog = dist.writesFiles()
                     ? TrainingLogWriter.start(config.runDir(), state.losses(), batches, config.accumulationSteps()) : null) {
            if (group != null) group.checkSameSettings(rankSettings(config, prepared, resumeFrom, rows));
            GradientAverager averager = group == null ? null : new GradientAverager(group, lora.parameters());
            for (int epoch = state.epoch(); epoch < config.epochs(); epoch++) {
                int[] order = order(rows, config.seed(), epoch);
                double groupLoss = 0;
                int inGroup = 0;
                for (int batch = epoch == state.epoch() ? state.nextBatch() : 0; batch < batches; batch++) {
                    int from = batch * config.batchSize(), to = Math.min(rows, from + config.batchSize());
                    // this rank's share of the global batch; instructions are drawn for the whole batch, then sliced
                    int share = (to - from) / dist.worldSize(), shareFrom = from + dist.rank() * share, shareTo = shareFrom + share;
                    long[] index = new long[shareTo - shareFrom];
                    List<Query> picked = new ArrayList<>();
                    for (int i = shareFrom; i < shareTo; i++) {
                        index[i - shareFrom] = order[i];
                        picked.add(queries.get(order[i]));
                    }
                    long batchSeed = mix(config.seed(), epoch, batch);
                    List<String> batchInstructions = instructions(to - from, batchSeed, config.promptPool()).subList(shareFrom - from, shareTo - from);
                    double loss;
                    try (PointerScope scope = new PointerScope()) {
                        // the adapters' dropout masks; each rank its own stream (rank 0's is the single-process one)
                        torch.manual_seed((dist.rank() == 0 ? batchSeed : mix(batchSeed, dist.rank(), -2)) & Long.MAX_VALUE);
                        ModelInput in = encoder.encode(picked, prepared.condition(), batchInstructions, false);
                        Tensor h = opened.model().lastTokenHidden(in);
                        Tensor rowsIndex = Tensors.longs(index, index.length);
                        loss = RrsObjective.backward(config.lossPath(), h, h0All.index_select(0, rowsIndex), signAll.index_select(0, rowsIndex),
                                deltaMasked, lora.factors());
                    }
                    // with several ranks the check waits for the all-reduced loss, so that all ranks stop together
                    if (!Double.isFinite(loss) && averager == null) throw nonFinite("loss is " + loss, epoch, batch, steps, lastCheckpoint);
                    groupLoss += loss;
                    inGroup++;
                    samples += to - from;
                    samplesThisRun += to - from;
                    if (inGroup == config.accumulationSteps() || batch == batches - 1) {
                        double norm;
                        try (PointerScope scope = new PointerScope()) {
                            if (averager != null) {
                                groupLoss = averager.average(groupLoss); // sum of micro-batch losses, averaged over ranks
                                if (!Double.isFinite(groupLoss)) throw nonFinite("loss (averaged over the ranks) is " + groupLoss, epoch, batch, steps, lastCheckpoint);
                            }
                            optimizer.scaleGradients(1.0 / inGroup); // the mean over micro-batches, as loss / accumulation does
                            norm = optimizer.clipGradients();
                            if (!Double.isFinite(norm)) throw nonFinite("gradient norm is " + norm, epoch, batch, steps, lastCheckpoint);
                            optimizer.step();
                        }
                        steps++;
                        double stepLoss = groupLoss / inGroup;
                        losses.add(new Checkpoint.StepLoss(epoch, steps, stepLoss));
                        if (trainLog != null) trainLog.append(steps, epoch, batch, stepLoss);
                        groupLoss = 0;
                        inGroup = 0;
                        boolean epochEnd = batch == batches - 1;
                        state = new Checkpoint.State(epochEnd ? epoch + 1 : epoch, epochEnd ? 0 : batch + 1, steps, samples, List.copyOf(losses),
                                config.toJson());
                        if (epochEnd || (config.saveEverySteps() > 0 && steps % config.saveEverySteps() == 0))
                            lastCheckpoint = dist.writesFiles() ? Checkpoint.save(config.runDir(), state, lora, optimizer, modelDir)
                                    : Checkpoint.dirFor(config.runDir(), steps); // rank 0 writes it; the other ranks name it in errors
                        if (dist.writesFiles()) progress.update((long) epoch * batches + batch + 1, totalBatches,
                                String.format("epoch %d/%d loss %.5f", epoch + 1, config.epochs(), stepLoss));
                        listener.afterStep(steps, stepLoss);
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Result(state, lastCheckpoint, samplesThisRun / Math.max(seconds, 1e-9), samplesThisRun, seconds);
    }

    /** What every rank of one data-parallel run must share (compared through the store before the first step). */
    private static java.util.SortedMap<String, String> rankSettings(TrainConfig config, PreparedRun prepared, Path resumeFrom, int rows)
            throws IOException {
        java.util.SortedMap<String, String> m = new java.util.TreeMap<>();
        m.put("train settings", config.toJson().toString());
        m.put("prepare.json sha256", RunFiles.sha256(config.runDir().resolve(PreparedRun.DIR).resolve(PreparedRun.MANIFEST)));
        m.put("model config.json sha256", prepared.modelConfigSha256());
        m.put("training rows", String.valueOf(rows));
        m.put("resume from", resumeFrom == null ? "(start)" : resumeFrom.getFileName().toString());
        return m;
    }

    private static NonFiniteLossException nonFinite(String what, int epoch, int batch, long steps, Path lastCheckpoint) {
        return new NonFiniteLossException("training stopped: the " + what + " in epoch " + (epoch + 1) + ", micro-batch " + (batch + 1)
                + " (after optimiser step " + steps + "). " + (lastCheckpoint == null ? "No checkpoint was written yet."
                : "The last good checkpoint is " + lastCheckpoint + " (unchanged).") + " Lower --lr or check the prepared targets.");
    }

    /** The epoch's data order: a shuffle seeded by (seed, epoch). */
    static int[] order(int rows, long seed, int epoch) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < rows; i++) idx.add(i);
        Collections.shuffle(idx, new Random(mix(seed, epoch, -1)));
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Each row's instruction: drawn from the pool of ten, or the evaluation instruction when the pool is off. */
    static List<String> instructions(int count, long batchSeed, boolean pool) {
        if (!pool) return Collections.nCopies(count, Prompts.AUDIO_TEXT_INSTRUCTION);
        Random rnd = new Random(batchSeed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) out.add(Prompts.INSTRUCTION_POOL.get(rnd.nextInt(Prompts.INSTRUCTION_POOL.size())));
        return out;
    }

    /** A well-mixed 64-bit value of (seed, epoch, batch) (SplitMix64 finaliser). */
    static long mix(long seed, long epoch, long batch) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + batch * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
