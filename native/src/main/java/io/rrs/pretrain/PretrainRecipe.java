package io.rrs.pretrain;

import io.rrs.training.Progress;
import io.rrs.training.StepListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Scope: a multi-stage pretraining recipe as one resumable run (docs/pretrain.md). Each stage is one
 * {@link PretrainTrainer} run; stage k > 1 starts from stage k-1's model. A stage before the last writes its model to
 * {@code STATE/<name>/model} and its state to {@code STATE/<name>/state}; the last writes {@code OUT} with its state in
 * {@code STATE/<name>}, and {@code OUT} then also holds every earlier stage's record as {@code <name>-pretrain.json}.
 * Everything a stage does not fix (data, size, batch, schedule shape, seed, limit, threads) comes from the shared
 * settings; a stage's learning rate is the shared one times its {@code lrScale}.
 * <ul>
 *   <li>{@link #DEMO}: the committed model. Stage 1 the written questions alone (10 of a 15-epoch schedule), stage 2
 *   every default task from there (5 epochs), the decision token weighted 10x in both. Why two stages: trained on
 *   every task from a random start the model never learned which questions are harmful.</li>
 *   <li>{@link #KNOWING}: the teacher's knowledge of written questions ({@link PretrainSettings.Teacher}): the teacher's
 *   word-piece tokenizer and frozen word embeddings, the written questions alone with the distillation loss, one
 *   opening for every compliant answer; a wider decoder ({@link DemoModelSize#knowing}). Hearing comes as a later stage.</li>
 *   <li>{@link #KNOWING_HEARING}: {@link #KNOWING}'s stage, then {@code hear}: the audio tower and projector alone learn
 *   the characters of the many-voice corpus (CTC through {@link Spelling}'s head on the hearing sentences and the training
 *   questions, SpecAugment; the decoder gets no gradient), {@value #HEAR_EPOCHS} epochs at twice the learning rate; then
 *   {@code answer}: every chat task, spoken and written, {@value #ANSWER_EPOCHS} epoch at half the learning rate, every
 *   weight but the teacher's word embeddings. Why {@code answer}: after {@code hear} alone the decoder reads some unheard
 *   questions as near the refusal instruction (15-22 % of spoken queries refused at random); with it, none, and every
 *   one with the instruction (docs/pretrain.md, "The answer stage"). The stages tried for reading speech better all read
 *   it worse (a {@code listen} stage with every task and {@link PretrainTask#AUDIO_MEANING}, a frozen-decoder meaning
 *   stage, CTC over the word pieces: docs/pretrain.md, "Voices, not sentences").</li>
 *   <li>{@link #HEARING}: the demo's stage 1, then a grounding stage (the audio tower alone learns to transcribe its
 *   clips, CTC, 18 epochs at twice the learning rate), then every task with the grounding kept in the mix (3 epochs,
 *   then 5 more from there). It grounds the audio tower on the training clips and teaches the decoder to read it, as far
 *   as docs/pretrain.md ("A grounding stage in the product") measured; ~2.5 h on 2 cores.</li>
 * </ul>
 */
public record PretrainRecipe(String name, List<Stage> stages, PretrainSettings.Teacher teacher) {
    /**
     * One stage: which tasks, how many epochs (of a schedule spanning {@code epochs}), the first-token weight, the lr
     * factor, the weight of the characters' CTC in its transcription batches ({@link Spelling}; teacher recipes only),
     * for how many of its first epochs that CTC is their only loss ({@code spellFirst}; all of them: the word pieces'
     * CTC never runs), and whether only the audio side trains ({@code decoderFrozen}; teacher recipes only).
     */
    public record Stage(String name, Set<PretrainTask> tasks, int epochs, int stopAfter, double firstTokenWeight, double lrScale, double spellingWeight,
                        int spellFirst, boolean decoderFrozen) {
        public Stage {
            tasks = Set.copyOf(tasks);
            if (name.isBlank() || name.contains("/")) throw new IllegalArgumentException("stage name '" + name + "' must be a plain folder name");
            if (!(lrScale > 0)) throw new IllegalArgumentException("stage " + name + ": lrScale " + lrScale + " must be > 0");
            if (!(spellingWeight >= 0)) throw new IllegalArgumentException("stage " + name + ": spellingWeight " + spellingWeight + " must be >= 0");
            if (decoderFrozen && tasks.stream().noneMatch(PretrainTask::hasAudio))
                throw new IllegalArgumentException("stage " + name + " freezes the decoder but has no task that trains the audio side");
            if (spellFirst < 0 || spellFirst > epochs || (spellFirst > 0 && spellingWeight == 0))
                throw new IllegalArgumentException("stage " + name + ": spellFirst " + spellFirst + " must be in [0, epochs " + epochs
                        + "], and 0 without the spelling aid");
        }

        /** Without the spelling aid, every weight trained. */
        public Stage(String name, Set<PretrainTask> tasks, int epochs, int stopAfter, double firstTokenWeight, double lrScale) {
            this(name, tasks, epochs, stopAfter, firstTokenWeight, lrScale, 0, 0, false);
        }
    }

    /** A recipe without the teacher. */
    public PretrainRecipe(String name, List<Stage> stages) {
        this(name, stages, null);
    }

    public PretrainRecipe {
        stages = List.copyOf(stages);
        if (stages.isEmpty()) throw new IllegalArgumentException("recipe " + name + " has no stage");
        if (stages.stream().map(Stage::name).distinct().count() != stages.size())
            throw new IllegalArgumentException("recipe " + name + " names a stage twice");
    }

    /** Weight of the first answer token (the comply/refuse decision and the harmful/benign opening) in the chat stages. */
    public static final double FIRST_TOKEN_WEIGHT = 10;
    private static final Set<PretrainTask> TEXT = EnumSet.of(PretrainTask.TEXT_COMPLY, PretrainTask.TEXT_REFUSE);
    /** Every task the recipes without the teacher know (the default mix and the grounding). */
    private static final Set<PretrainTask> EVERY_TASK = EnumSet.complementOf(EnumSet.of(PretrainTask.AUDIO_MEANING));
    private static final Stage WRITTEN = new Stage("stage1", TEXT, 15, 10, FIRST_TOKEN_WEIGHT, 1);

    public static final PretrainRecipe DEMO = new PretrainRecipe("demo", List.of(
            WRITTEN,
            new Stage("stage2", PretrainSettings.DEFAULT_TASKS, 5, 0, FIRST_TOKEN_WEIGHT, 1)));

    public static final PretrainRecipe HEARING = new PretrainRecipe("hearing", List.of(
            WRITTEN,
            new Stage("ground", EnumSet.of(PretrainTask.AUDIO_TRANSCRIBE), 18, 0, 1, 2),
            new Stage("mix", EVERY_TASK, 3, 0, FIRST_TOKEN_WEIGHT, 1),
            new Stage("mix-more", EVERY_TASK, 5, 0, FIRST_TOKEN_WEIGHT, 1)));

    /** Weight of the distillation loss in the knowing recipe (next to the answer's cross-entropy). */
    public static final double DISTILL_WEIGHT = 1;

    /** Weight of the characters' CTC next to the word pieces' in the hearing stage ({@link Spelling}). */
    public static final double SPELLING_WEIGHT = 1;

    /** Epochs of the hearing stage (the characters' CTC alone; docs/pretrain.md). */
    public static final int HEAR_EPOCHS = 8;

    private static final Stage KNOWING_WRITTEN = new Stage("written", TEXT, 12, 0, FIRST_TOKEN_WEIGHT, 1);

    public static final PretrainRecipe KNOWING = new PretrainRecipe("knowing", List.of(KNOWING_WRITTEN), new PretrainSettings.Teacher(DISTILL_WEIGHT));

    /** Epochs of the answer stage (every chat task, spoken and written; docs/pretrain.md, "The answer stage"). */
    public static final int ANSWER_EPOCHS = 1;

    /** The chat tasks, spoken and written: comply, refuse on the refusal instruction, comply to audio alone. */
    private static final Set<PretrainTask> ANSWER_TASKS = EnumSet.of(PretrainTask.AUDIO_TEXT_COMPLY, PretrainTask.AUDIO_TEXT_REFUSE,
            PretrainTask.AUDIO_ONLY_COMPLY, PretrainTask.TEXT_COMPLY, PretrainTask.TEXT_REFUSE);

    public static final PretrainRecipe KNOWING_HEARING = new PretrainRecipe("knowing-hearing", List.of(
            KNOWING_WRITTEN,
            new Stage("hear", EnumSet.of(PretrainTask.AUDIO_TRANSCRIBE), HEAR_EPOCHS, 0, 1, 2, SPELLING_WEIGHT, HEAR_EPOCHS, false),
            new Stage("answer", ANSWER_TASKS, ANSWER_EPOCHS, 0, FIRST_TOKEN_WEIGHT, 0.5, 0, 0, false)),
            new PretrainSettings.Teacher(DISTILL_WEIGHT));

    /** Reports which stage starts (the command prints it); {@code index} is 0-based. */
    @FunctionalInterface
    public interface StageListener {
        void starting(int index, Stage stage, PretrainSettings settings, boolean resuming);
    }

    /** The record an earlier stage leaves in the final model folder. */
    public static String recordName(Stage stage) {
        return stage.name() + "-" + PretrainFiles.MANIFEST;
    }

    private boolean isLast(int index) {
        return index == stages.size() - 1;
    }

    /** {@code STATE/<name>}: stage {@code index}'s folder under the shared state. */
    private Path stageDir(PretrainSettings shared, int index) {
        return shared.stateDir().resolve(stages.get(index).name());
    }

    /** Where stage {@code index} keeps its resumable state (known before the earlier stages have run). */
    public Path stateDir(PretrainSettings shared, int index) {
        return isLast(index) ? stageDir(shared, index) : stageDir(shared, index).resolve("state");
    }

    /** Where stage {@code index} writes its model. */
    public Path modelDir(PretrainSettings shared, int index) {
        return isLast(index) ? shared.outDir() : stageDir(shared, index).resolve("model");
    }

    /** Stage {@code index}'s settings (with the recipe's teacher, if it has one); for a stage after the first, the previous stage's model must exist (it is hashed). */
    public PretrainSettings settings(PretrainSettings shared, int index) {
        Stage st = stages.get(index);
        return new PretrainSettings(shared.dataDir(), shared.tokenizerFile(), modelDir(shared, index), stateDir(shared, index), shared.size(),
                st.epochs(), 0, shared.batchSize(), shared.learningRate() * st.lrScale(), shared.warmupFraction(), shared.minLearningRateRatio(),
                shared.weightDecay(), shared.clipNorm(), shared.seed(), shared.limit(), shared.threads(),
                index == 0 ? null : modelDir(shared, index - 1), st.firstTokenWeight(), st.tasks(), st.stopAfter(),
                teacher != null ? teacher.forStage(st.spellingWeight(), st.spellFirst(), st.decoderFrozen()) : shared.teacher());
    }

    /**
     * Runs every stage. With {@code resume}, a stage that has a state continues from it (a finished stage is then a
     * no-op that rewrites its model) and one without starts; without it, any earlier state is refused. Returns the
     * last stage's result.
     */
    public PretrainTrainer.Result run(PretrainSettings shared, boolean resume, Progress progress, StepListener steps,
                                      StageListener listener) throws IOException {
        boolean[] started = new boolean[stages.size()];
        for (int i = 0; i < stages.size(); i++) started[i] = PretrainFiles.latest(stateDir(shared, i)) != null;
        if (!resume)
            for (boolean s : started)
                if (s) throw new IOException(shared.stateDir() + " already holds a state of recipe " + name + "; continue it with --resume, or pass a new --state DIR");
        PretrainTrainer.Result result = null;
        for (int i = 0; i < stages.size(); i++) {
            PretrainSettings settings = settings(shared, i);
            listener.starting(i, stages.get(i), settings, started[i]);
            result = PretrainTrainer.train(settings, started[i], progress, steps);
        }
        for (int i = 0; i < stages.size() - 1; i++) {
            PretrainFiles.verifyModel(modelDir(shared, i)); // the record kept is of the model the next stage started from
            Files.copy(modelDir(shared, i).resolve(PretrainFiles.MANIFEST), shared.outDir().resolve(recordName(stages.get(i))),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        return result;
    }
}
