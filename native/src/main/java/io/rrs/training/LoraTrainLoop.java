package io.rrs.training;

import com.fasterxml.jackson.databind.JsonNode;
import io.rrs.io.AtomicFiles;
import io.rrs.text.Prompts;
import io.rrs.training.dist.DataParallelGroup;
import io.rrs.training.dist.DistConfig;
import io.rrs.training.dist.GradientAverager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;

/**
 * Scope: the LoRA training loop that {@code rrs reshape train} and {@code rrs sft train} share, so both
 * spend the same budget the same way (docs/reshape.md, docs/sft.md): per epoch a shuffle seeded by (seed,
 * epoch); micro-batches of {@code batchSize} rows, each with instructions drawn from the pool of ten and its
 * dropout generator seeded from (seed, epoch, batch); gradients averaged over {@code accumulationSteps}
 * micro-batches (and over data-parallel ranks), clipped, one AdamW step; {@code train-log.jsonl}; a
 * checkpoint per epoch (and every {@code saveEverySteps}); a non-finite loss or gradient norm stops naming
 * the last good checkpoint. What a micro-batch computes is the trainer's {@link MicroBatch}.
 */
public final class LoraTrainLoop {
    /**
     * Forward and backward of one micro-batch: {@code rows} are dataset rows (this rank's share), {@code instructions}
     * theirs. Returns the micro-batch's loss. Runs inside a {@link PointerScope} with the dropout generator seeded.
     */
    @FunctionalInterface
    public interface MicroBatch {
        double lossAndBackward(long[] rows, List<String> instructions) throws IOException;
    }

    /** What the loop needs of a trainer's settings. */
    public record Settings(int batchSize, int accumulationSteps, int epochs, long seed, boolean promptPool, int saveEverySteps) {}

    /** Outcome: final state, the last checkpoint, and the measured throughput (rows per second of training). */
    public record Result(Checkpoint.State state, Path lastCheckpoint, double samplesPerSecond, long samplesThisRun, double seconds) {}

    private final Path runDir;
    private final Path modelDir;
    private final JsonNode configJson;
    private final Settings s;
    private final LoraAdapters lora;
    private final AdamWOptimizer optimizer;
    private final DistConfig dist;
    private final String hint;

    /**
     * @param configJson the trainer's settings, stored in every checkpoint's state.json
     * @param hint       appended to a non-finite-loss message (what to change)
     */
    public LoraTrainLoop(Path runDir, Path modelDir, JsonNode configJson, Settings settings, LoraAdapters lora, AdamWOptimizer optimizer,
                         DistConfig dist, String hint) {
        this.runDir = runDir;
        this.modelDir = modelDir;
        this.configJson = configJson;
        this.s = settings;
        this.lora = lora;
        this.optimizer = optimizer;
        this.dist = dist;
        this.hint = hint;
    }

    private final java.util.SortedMap<String, String> runIdentity = new java.util.TreeMap<>();

    /** Adds what identifies the run's data (e.g. prepare.json's SHA-256); data-parallel ranks must agree on it. */
    public LoraTrainLoop identifiedBy(String name, String value) {
        runIdentity.put(name, value);
        return this;
    }

    /** What every rank of one data-parallel run must share (compared through the store before the first step). */
    private java.util.SortedMap<String, String> rankSettings(int rows, Checkpoint resumed) throws IOException {
        java.util.SortedMap<String, String> m = new java.util.TreeMap<>(runIdentity);
        m.put("train settings", configJson.toString());
        m.put("model config.json sha256", AtomicFiles.sha256(modelDir.resolve("config.json")));
        m.put("training rows", String.valueOf(rows));
        m.put("resume from", resumed == null ? "(start)" : resumed.dir().getFileName().toString());
        return m;
    }

    /** Trains {@code rows} dataset rows to the last epoch, from the start or, with {@code resumed}, from that checkpoint exactly. */
    public Result run(int rows, Checkpoint resumed, Progress progress, StepListener listener, MicroBatch body) throws IOException {
        Checkpoint.State state = new Checkpoint.State(0, 0, 0, 0, List.of(), configJson);
        Path lastCheckpoint = null;
        if (resumed != null) {
            lora.load(resumed.adapter(), resumed.dir().resolve(Checkpoint.ADAPTER).toString());
            optimizer.load(resumed.optimizer(), resumed.optimizerStepCount(), resumed.dir().resolve(Checkpoint.OPTIMIZER).toString());
            state = new Checkpoint.State(resumed.state().epoch(), resumed.state().nextBatch(), resumed.state().optimizerSteps(),
                    resumed.state().samplesSeen(), resumed.state().losses(), configJson);
            lastCheckpoint = resumed.dir();
        }
        int batches = (rows + s.batchSize() - 1) / s.batchSize();
        long totalBatches = (long) batches * s.epochs();
        List<Checkpoint.StepLoss> losses = new ArrayList<>(state.losses());
        long steps = state.optimizerSteps(), samples = state.samplesSeen(), samplesThisRun = 0;
        long started = System.nanoTime();
        lora.train(true);
        // the group is joined after the trainer's checks, so a rank with a bad setting fails alone, before the others wait on it;
        // train-log.jsonl for `rrs eval`'s loss plot (rank 0 only): on resume rewritten from the checkpoint's history first
        try (DataParallelGroup group = dist.distributed() ? DataParallelGroup.join(dist) : null;
             TrainingLog.Writer trainLog = dist.writesFiles()
                     ? TrainingLog.start(runDir, state.losses(), batches, s.accumulationSteps()) : null) {
            if (group != null) group.checkSameSettings(rankSettings(rows, resumed));
            GradientAverager averager = group == null ? null : new GradientAverager(group, lora.parameters());
            for (int epoch = state.epoch(); epoch < s.epochs(); epoch++) {
                int[] order = order(rows, s.seed(), epoch);
                double groupLoss = 0;
                int inGroup = 0;
                for (int batch = epoch == state.epoch() ? state.nextBatch() : 0; batch < batches; batch++) {
                    int from = batch * s.batchSize(), to = Math.min(rows, from + s.batchSize());
                    // this rank's share of the global batch; instructions are drawn for the whole batch, then sliced
                    int share = (to - from) / dist.worldSize(), shareFrom = from + dist.rank() * share, shareTo = shareFrom + share;
                    long[] index = new long[shareTo - shareFrom];
                    for (int i = shareFrom; i < shareTo; i++) index[i - shareFrom] = order[i];
                    long batchSeed = mix(s.seed(), epoch, batch);
                    List<String> batchInstructions = instructions(to - from, batchSeed, s.promptPool()).subList(shareFrom - from, shareTo - from);
                    double loss;
                    try (PointerScope scope = new PointerScope()) {
                        // the adapters' dropout masks; each rank its own stream (rank 0's is the single-process one)
                        torch.manual_seed((dist.rank() == 0 ? batchSeed : mix(batchSeed, dist.rank(), -2)) & Long.MAX_VALUE);
                        loss = body.lossAndBackward(index, batchInstructions);
                    }
                    // with several ranks the check waits for the all-reduced loss, so that all ranks stop together
                    if (!Double.isFinite(loss) && averager == null) throw nonFinite("loss is " + loss, epoch, batch, steps, lastCheckpoint);
                    groupLoss += loss;
                    inGroup++;
                    samples += to - from;
                    samplesThisRun += to - from;
                    if (inGroup == s.accumulationSteps() || batch == batches - 1) {
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
                                configJson);
                        if (epochEnd || (s.saveEverySteps() > 0 && steps % s.saveEverySteps() == 0))
                            lastCheckpoint = dist.writesFiles() ? Checkpoint.save(runDir, state, lora, optimizer, modelDir)
                                    : Checkpoint.dirFor(runDir, steps); // rank 0 writes it; the other ranks name it in errors
                        if (dist.writesFiles()) progress.update((long) epoch * batches + batch + 1, totalBatches,
                                String.format("epoch %d/%d loss %.5f", epoch + 1, s.epochs(), stepLoss));
                        listener.afterStep(steps, stepLoss);
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Result(state, lastCheckpoint, samplesThisRun / Math.max(seconds, 1e-9), samplesThisRun, seconds);
    }

    private NonFiniteLossException nonFinite(String what, int epoch, int batch, long steps, Path lastCheckpoint) {
        return new NonFiniteLossException("training stopped: the " + what + " in epoch " + (epoch + 1) + ", micro-batch " + (batch + 1)
                + " (after optimiser step " + steps + "). " + (lastCheckpoint == null ? "No checkpoint was written yet."
                : "The last good checkpoint is " + lastCheckpoint + " (unchanged).") + " " + hint);
    }

    /** The epoch's data order: a shuffle seeded by (seed, epoch). */
    public static int[] order(int rows, long seed, int epoch) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < rows; i++) idx.add(i);
        Collections.shuffle(idx, new Random(mix(seed, epoch, -1)));
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Each row's instruction: drawn from the pool of ten, or the evaluation instruction when the pool is off. */
    public static List<String> instructions(int count, long batchSeed, boolean pool) {
        if (!pool) return Collections.nCopies(count, Prompts.AUDIO_TEXT_INSTRUCTION);
        Random rnd = new Random(batchSeed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) out.add(Prompts.INSTRUCTION_POOL.get(rnd.nextInt(Prompts.INSTRUCTION_POOL.size())));
        return out;
    }

    /** A well-mixed 64-bit value of (seed, epoch, batch) (SplitMix64 finaliser). */
    public static long mix(long seed, long epoch, long batch) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + batch * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
