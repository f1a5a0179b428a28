package io.rrs.pretrain;

import io.rrs.cli.CommonOptions;
import io.rrs.cli.ExitCodes;
import io.rrs.cli.UsageException;
import io.rrs.teacher.MiniLmChatTokenizer;
import io.rrs.text.ChatTemplate;
import io.rrs.text.TextTokenizer;
import io.rrs.training.StepListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Scope: {@code rrs pretrain}, the command that (re)builds the demo base model (docs/pretrain.md).
 * Relative paths resolve against the repository root ({@code rrs.root}, set by {@code ./rrs}), else the
 * working directory. Exit codes as every command's ({@link ExitCodes}): 0 done, 1 failed, 2 bad options.
 */
@Command(name = "pretrain", mixinStandardHelpOptions = true, subcommands = TranscriptionErrorCommand.class,
        description = "Train the demo base model from scratch on the train split: a tiny Qwen2-Audio-layout model that complies with "
                + "every question, refuses only when the query carries the refusal instruction, and is trained to repeat the question "
                + "it hears (audio-text, text-only and audio-only inputs; docs/pretrain.md says what it learns). Writes OUT/config.json, "
                + "model.safetensors, tokenizer.json, preprocessor_config.json (the front-end: --init's, else the tower's default window), pretrain.json "
                + "per epoch and at the end; STATE/ holds what --resume needs. Same options, seed and threads give the same files. "
                + "With no options it runs the committed model's two-stage recipe (--recipe demo, ~1 h on 2 cores). "
                + "Set OPENBLAS_NUM_THREADS to --threads.")
public final class PretrainCommand implements Callable<Integer> {
    /** What one run trains: the committed model's stages, the experimental grounding recipe's, or one stage from the options. */
    enum Recipe {
        demo(PretrainRecipe.DEMO), knowing(PretrainRecipe.KNOWING), knowing_hearing(PretrainRecipe.KNOWING_HEARING), hearing(PretrainRecipe.HEARING), single(null);

        /** The stages it runs; null for single. */
        final PretrainRecipe plan;

        Recipe(PretrainRecipe plan) {
            this.plan = plan;
        }

        /** The name as typed: {@code knowing-hearing}. */
        @Override
        public String toString() {
            return name().replace('_', '-');
        }

        /** Reads a name as typed ('-' or '_'). */
        static Recipe parse(String name) {
            for (Recipe r : values()) if (r.toString().equals(name.strip().replace('_', '-'))) return r;
            throw new picocli.CommandLine.TypeConversionException("unknown recipe '" + name + "'; use one of "
                    + String.join(", ", java.util.Arrays.stream(values()).map(Recipe::toString).toList()));
        }
    }

    /** The options that define a single stage; a recipe fixes them per stage. */
    static final String STAGE_OPTIONS_TEXT = "--epochs, --stop-after, --steps, --init, --first-token-weight, --tasks";
    static final List<String> STAGE_OPTIONS = List.of(STAGE_OPTIONS_TEXT.split(", "));

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--recipe", defaultValue = "demo", paramLabel = "NAME", converter = RecipeConverter.class,
            description = "demo: the committed model's two stages (1: the written questions, 10 of 15 epochs; 2: every task from there, "
                    + "5 epochs; decision token weighted 10x; states in STATE/stage1 and STATE/stage2); knowing: the written questions with the teacher "
                    + "all-minilm-l6-v2 (its word-piece tokenizer, written to STATE/tokenizer.json, and its frozen word embeddings; the last prompt "
                    + "token learns to predict its sentence embedding; one opening for every compliant answer; 192-wide decoder, bf16 weights; "
                    + "12 epochs, state in STATE/written; docs/pretrain.md); knowing-hearing: knowing's stage, then 'hear' (the audio "
                    + "tower alone learns the characters of the many-voice corpus's hearing sentences and training questions: CTC, SpecAugment; "
                    + PretrainRecipe.HEAR_EPOCHS + " epochs at 2x --lr, the decoder untouched), then 'answer' (every chat task, spoken and "
                    + "written, " + PretrainRecipe.ANSWER_EPOCHS + " epoch at 0.5x --lr: the spoken questions answered as the written ones); "
                    + "states in STATE/written|hear|answer; "
                    + "hearing: demo's stage 1, then the audio tower "
                    + "learns to transcribe its clips (18 epochs of audio-transcribe at 2x --lr), then every task including audio-transcribe "
                    + "for 3 and then 5 more epochs (experimental, ~2.5 h on 2 cores: grounds the audio tower on the training clips, "
                    + "docs/pretrain.md); single: one run from the options "
                    + STAGE_OPTIONS_TEXT + "; default: ${DEFAULT-VALUE}.")
    Recipe recipe;

    /** picocli reads {@code --recipe} through {@link Recipe#parse}. */
    static final class RecipeConverter implements picocli.CommandLine.ITypeConverter<Recipe> {
        @Override
        public Recipe convert(String value) {
            return Recipe.parse(value);
        }
    }

    @Mixin
    CommonOptions.SpokenData data;

    @Mixin
    CommonOptions.Progress progress;

    @Option(names = "--tokenizer", defaultValue = "data/tokenizer/tokenizer.json", paramLabel = "FILE",
            description = "tokenizer.json the model is sized for and ships with (not with --recipe knowing, which uses the teacher's); default: ${DEFAULT-VALUE}.")
    Path tokenizer;

    @Option(names = "--out", defaultValue = "models/demo-base", paramLabel = "DIR", description = "Model folder to write; default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--state", defaultValue = "runs/pretrain-demo", paramLabel = "DIR",
            description = "Resumable training state (weights, AdamW moments, losses); default: ${DEFAULT-VALUE}.")
    Path state;

    @Option(names = "--resume", description = "Continue from STATE (the recipe: each stage from its own state, a finished stage skipped; "
            + "same options required).")
    boolean resume;

    @Option(names = "--epochs", defaultValue = "4", description = "With --recipe single: passes over the mix (one pass: every utterance once, every text twice); default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--stop-after", defaultValue = "0", paramLabel = "EPOCHS",
            description = "With --recipe single: end after this many epochs while the learning-rate schedule still spans --epochs (a later --resume may go on); "
                    + "0 = every epoch (default).")
    int stopAfter;

    @Option(names = "--steps", defaultValue = "0", description = "With --recipe single: stop after N optimiser steps (the schedule spans N); 0 = all epochs (default).")
    long steps;

    @Option(names = "--batch-size", defaultValue = "16", description = "Examples per optimiser step; default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--lr", defaultValue = "2e-3", description = "Peak learning rate; default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--warmup", defaultValue = "0.03", description = "Fraction of steps of linear warmup before the cosine decay; default: ${DEFAULT-VALUE}.")
    double warmup;

    @Option(names = "--min-lr-ratio", defaultValue = "0.1", description = "Final learning rate as a fraction of --lr; default: ${DEFAULT-VALUE}.")
    double minLrRatio;

    @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW decoupled weight decay; default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--clip-norm", defaultValue = "1.0", description = "Clip gradients to this global norm (0 = off); default: ${DEFAULT-VALUE}.")
    double clipNorm;

    @Option(names = "--seed", defaultValue = "20250519", description = "Seed of the weights, data order and instruction draws; default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N", description = "Train on N training texts (seeded choice) with all their utterances; 0 = all (default).")
    int limit;

    @Option(names = "--init", paramLabel = "DIR",
            description = "With --recipe single: start from this model folder's weights (e.g. the first stage of the demo recipe) instead of a seeded random init.")
    Path init;

    @Option(names = "--first-token-weight", defaultValue = "1", paramLabel = "W",
            description = "With --recipe single: weight of the first answer token's cross-entropy (it carries the comply/refuse decision and, for the demo, "
                    + "the harmful/benign opening); default: ${DEFAULT-VALUE} (plain mean).")
    double firstTokenWeight;

    @Option(names = "--tasks", split = ",", paramLabel = "TASK",
            description = "With --recipe single: train only these tasks of the mix, comma-separated: audio-text-comply, audio-text-refuse, audio-only-comply, "
                    + "audio-repeat, text-comply, text-refuse, audio-transcribe (the audio tower alone, CTC on the question's tokens); "
                    + "default: all but audio-transcribe (docs/pretrain.md has what each teaches).")
    List<String> tasks;

    @Option(names = "--threads", defaultValue = "2", description = "libtorch threads (set OPENBLAS_NUM_THREADS to the same); default: ${DEFAULT-VALUE}.")
    int threads;

    static Path resolve(Path p) {
        return io.rrs.cli.RepoPaths.resolve(p);
    }

    /** The settings of a single run from the options (with a recipe: the settings its stages share). */
    PretrainSettings settings() throws IOException {
        PretrainSettings.Teacher teacher = recipe.plan == null ? null : recipe.plan.teacher();
        if (teacher != null && spec.commandLine().getParseResult().hasMatchedOption("--tokenizer"))
            throw new UsageException("--recipe " + recipe + " trains with the teacher's word-piece tokenizer (written to STATE/tokenizer.json); leave out --tokenizer");
        Path tokenizerFile = teacher != null ? MiniLmChatTokenizer.write(resolve(state).resolve("tokenizer.json")) : resolve(tokenizer);
        DemoModelSize size;
        try (TextTokenizer text = TextTokenizer.open(tokenizerFile)) {
            long audio = new ChatTemplate(text).audioTokenId();
            size = teacher != null ? DemoModelSize.knowing(text.vocabSize(), audio) : DemoModelSize.demo(text.vocabSize(), audio);
        }
        return UsageException.fromOptions(() -> new PretrainSettings(data.dir(), tokenizerFile, resolve(out), resolve(state), size, epochs, steps,
                batchSize, lr, warmup, minLrRatio, weightDecay, clipNorm, seed, limit, threads, init == null ? null : resolve(init), firstTokenWeight,
                tasks == null ? null : tasks.stream().map(PretrainTask::parse).collect(java.util.stream.Collectors.toSet()), stopAfter, teacher));
    }

    @Override
    public Integer call() throws Exception {
        if (recipe != Recipe.single) {
            List<String> given = STAGE_OPTIONS.stream().filter(o -> spec.commandLine().getParseResult().hasMatchedOption(o)).toList();
            if (!given.isEmpty())
                throw new UsageException(String.join(", ", given) + " define a single run, while --recipe " + recipe + " fixes "
                        + "them per stage; add --recipe single to train one stage from the options");
        }
        PretrainSettings settings = settings();
        if (System.getenv("OPENBLAS_NUM_THREADS") == null)
            System.err.println("rrs pretrain: OPENBLAS_NUM_THREADS is not set; OpenBLAS may oversubscribe the cores (set it to " + threads + ")");
        StepListener epochReport = new StepListener() {
            @Override
            public void afterStep(long step, double loss) {}

            @Override
            public void afterEpoch(int epoch, double meanLoss, double seconds, long samples) {
                System.err.printf("%nepoch %d: mean loss %.4f, %d samples in %.1f s (%.1f samples/s)%n", epoch + 1, meanLoss, samples, seconds,
                        samples / Math.max(seconds, 1e-9));
            }
        };
        PretrainTrainer.Result r;
        try (PretrainProgress bar = new PretrainProgress(progress.show(), "pretrain")) {
            if (recipe != Recipe.single) {
                int count = recipe.plan.stages().size();
                r = recipe.plan.run(settings, resume, bar, epochReport, (index, stage, s, resuming) -> {
                    bar.nextStage("stage " + (index + 1) + "/" + count);
                    System.err.printf("stage %d of %d (%s)%s: %s, %d epochs%s, lr %s, into %s%n", index + 1, count, stage.name(),
                            resuming ? " (resumed)" : "", PretrainTask.names(s.tasks()), s.epochs(),
                            s.stopAfterEpochs() > 0 ? " (stopping after " + s.stopAfterEpochs() + ")" : "", s.learningRate(), s.outDir());
                });
            } else {
                r = PretrainTrainer.train(settings, resume, bar, epochReport);
            }
        }
        if (r.losses().isEmpty()) throw new IllegalStateException("no training step was taken");
        System.out.printf("pretrained %d steps (%.1f samples/s this run); final loss %.4f; model in %s%n", r.steps(), r.samplesPerSecond(),
                r.losses().get(r.losses().size() - 1), settings.outDir());
        return ExitCodes.OK;
    }
}
