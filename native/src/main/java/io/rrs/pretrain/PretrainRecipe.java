package io.rrs.pretrain;

import io.rrs.train.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;
import java.util.Set;

/**
 * Scope: the committed demo base model's two-stage recipe (docs/pretrain.md) as one resumable run, so that
 * {@code rrs pretrain} with no options rebuilds {@code models/demo-base}. Stage 1 trains the written questions
 * alone (10 epochs of a 15-epoch schedule, decision token weighted 10x) into {@code STATE/stage1/model}; stage 2
 * starts from it and trains every task for 5 epochs (decision token 10x) into {@code OUT}, whose folder then also
 * holds stage 1's record ({@value #STAGE1_RECORD}). Everything else (data, size, batch, learning-rate schedule,
 * seed, limit, threads) comes from the shared settings. Why two stages: trained on every task from a random start
 * the model never learned which questions are harmful (docs/pretrain.md, "What it learns").
 */
public final class PretrainRecipe {
    /** Stage 1: the text tasks only. */
    public static final Set<PretrainTask> STAGE1_TASKS = Set.copyOf(EnumSet.of(PretrainTask.TEXT_COMPLY, PretrainTask.TEXT_REFUSE));
    public static final int STAGE1_EPOCHS = 15, STAGE1_STOP_AFTER = 10, STAGE2_EPOCHS = 5;
    /** Weight of the first answer token (the comply/refuse decision and the harmful/benign opening) in both stages. */
    public static final double FIRST_TOKEN_WEIGHT = 10;
    /** Stage 1's {@code pretrain.json}, copied into the model folder beside stage 2's. */
    public static final String STAGE1_RECORD = "stage1-pretrain.json";

    /** Reports which stage starts (the command prints it). */
    @FunctionalInterface
    public interface StageListener {
        void starting(int stage, PretrainSettings settings, boolean resuming);
    }

    private PretrainRecipe() {}

    /** Stage 1's settings: {@code shared}'s, with the stage's tasks and schedule, written under {@code STATE/stage1/}. */
    public static PretrainSettings stage1(PretrainSettings shared) {
        Path dir = shared.stateDir().resolve("stage1");
        return with(shared, dir.resolve("model"), dir.resolve("state"), STAGE1_EPOCHS, null, STAGE1_TASKS, STAGE1_STOP_AFTER);
    }

    /** Stage 2's settings: every task from stage 1's model into {@code OUT} (stage 1's model must exist: it is hashed). */
    public static PretrainSettings stage2(PretrainSettings shared) {
        return with(shared, shared.outDir(), stage2State(shared), STAGE2_EPOCHS, stage1(shared).outDir(), PretrainSettings.DEFAULT_TASKS, 0);
    }

    /** Stage 2's state folder, known before stage 1's model exists (its settings are not). */
    private static Path stage2State(PretrainSettings shared) {
        return shared.stateDir().resolve("stage2");
    }

    /**
     * Runs both stages. With {@code resume}, a stage that has a state continues from it (a finished stage is then a
     * no-op) and one without starts; without it, any earlier state is refused. Returns stage 2's result.
     */
    public static PretrainTrainer.Result run(PretrainSettings shared, boolean resume, Progress progress, PretrainTrainer.StepListener steps,
                                             StageListener stages) throws IOException {
        PretrainSettings one = stage1(shared);
        boolean oneStarted = PretrainFiles.latest(one.stateDir()) != null, twoStarted = PretrainFiles.latest(stage2State(shared)) != null;
        if (!resume && (oneStarted || twoStarted))
            throw new IOException(shared.stateDir() + " already holds a state of this recipe; continue it with --resume, or pass a new --state DIR");
        stages.starting(1, one, oneStarted);
        PretrainTrainer.train(one, oneStarted, progress, steps);
        PretrainSettings two = stage2(shared);
        stages.starting(2, two, twoStarted);
        PretrainTrainer.Result result = PretrainTrainer.train(two, twoStarted, progress, steps);
        Files.copy(one.outDir().resolve(PretrainFiles.MANIFEST), two.outDir().resolve(STAGE1_RECORD), StandardCopyOption.REPLACE_EXISTING);
        return result;
    }

    private static PretrainSettings with(PretrainSettings s, Path out, Path state, int epochs, Path init, Set<PretrainTask> tasks, int stopAfter) {
        return new PretrainSettings(s.dataDir(), s.tokenizerFile(), out, state, s.size(), epochs, 0, s.batchSize(), s.learningRate(), s.warmupFraction(),
                s.minLearningRateRatio(), s.weightDecay(), s.clipNorm(), s.seed(), s.limit(), s.threads(), init, FIRST_TOKEN_WEIGHT, tasks, stopAfter);
    }
}
