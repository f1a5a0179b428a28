package io.rrs.sft;

import io.rrs.cli.RepoPaths;
import io.rrs.cli.CommonOptions;
import io.rrs.cli.ExitCodes;
import io.rrs.cli.UsageException;
import io.rrs.text.InputCondition;
import io.rrs.text.Prompts;
import io.rrs.training.AudioPaddingOption;
import io.rrs.training.ConsoleProgress;
import io.rrs.training.LoraTrainLoop;
import io.rrs.training.LoraTrainOptions;
import io.rrs.training.Progress;
import io.rrs.training.TrainConfig;
import io.rrs.training.TrainingLog;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Scope: {@code rrs sft train}, the command line of the SFT baseline (docs/sft.md). Relative paths resolve
 * against the repository root, as for {@code rrs reshape}. Exit codes as every command's ({@link ExitCodes}): 0 done,
 * 1 failed, 2 bad options, 3 non-finite loss, 5 corrupted or incomplete run files.
 */
@Command(name = "sft", mixinStandardHelpOptions = true,
        description = "Supervised fine-tuning baseline for RRS: the same LoRA, rows and budget, trained with cross-entropy on answers "
                + "(harmful queries: a refusal; benign queries: the base model's own answer).",
        subcommands = SftCommand.Train.class)
public final class SftCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Fine-tune LoRA adapters (every decoder q/k/v/o/gate/up/down) with cross-entropy on the answer tokens "
                    + "(prompt + answer + <|im_end|>) of the training queries of 'rrs reshape prepare': harmful rows answer with "
                    + "--refusal-answer, benign rows (--benign self) with the frozen base model's greedy answer, generated once into "
                    + "RUN/sft-targets.jsonl (hashed in RUN/sft.json). Same loop as 'rrs reshape train': instruction pool, seeded order and "
                    + "dropout, accumulation, clipping, AdamW, a checkpoint per epoch in RUN/checkpoints/ (atomic, hashed), "
                    + "RUN/train-log.jsonl; --resume continues exactly (sft.json's and the checkpoint's settings apply then, except --epochs).")
    static final class Train implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "DIR",
                description = "Base model directory (config.json, model.safetensors, tokenizer.json); required for a new run, "
                        + "default on --resume: the one sft.json records (must be the same model).")
        Path model;

        @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run directory (sft.json, sft-targets.jsonl, checkpoints/).")
        Path run;

        @CommandLine.Mixin
        CommonOptions.SpokenData data;

        @Option(names = "--condition", defaultValue = "audio-text", paramLabel = "COND",
                description = "Input condition of the training queries: audio-text (as RRS), text-only or audio-only; default: ${DEFAULT-VALUE}.")
        String condition;

        @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
                description = "Use N training queries per class (seeded choice, as 'rrs reshape prepare --limit'); 0 = all (default).")
        int limit;

        @Option(names = "--benign", defaultValue = "self", paramLabel = "MODE",
                description = "self: benign rows train towards the base model's own answer (SFT sees RRS's rows); none: harmful rows only; "
                        + "default: ${DEFAULT-VALUE}.")
        String benign;

        @Option(names = "--refusal-answer", defaultValue = Prompts.REFUSAL_ANSWER, paramLabel = "TEXT",
                description = "Target answer of the harmful rows; default: \"${DEFAULT-VALUE}\".")
        String refusalAnswer;

        @Option(names = "--target-tokens", defaultValue = "64", paramLabel = "N",
                description = "Most tokens of a benign target the base model generates (greedy, as 'rrs eval'); default: ${DEFAULT-VALUE}.")
        int targetTokens;

        @Option(names = "--generation-batch-size", defaultValue = "8", paramLabel = "N",
                description = "Queries per generation batch for the benign targets; default: ${DEFAULT-VALUE}.")
        int generationBatchSize;

        @CommandLine.Mixin
        AudioPaddingOption audioPadding;

        @Option(names = "--seed", defaultValue = "20250519",
                description = "Seed of the --limit subset, LoRA init, data order, prompt draws and dropout; default: ${DEFAULT-VALUE}.")
        long seed;

        @CommandLine.Mixin
        LoraTrainOptions train;

        @CommandLine.Mixin
        CommonOptions.Progress progress;

        @Override
        public Integer call() throws Exception {
            Path runDir = RepoPaths.resolve(run);
            SftData dataSettings = UsageException.fromOptions(() -> new SftData(RepoPaths.resolve(model), data.dir(), InputCondition.parse(condition),
                    limit, seed, SftData.Benign.parse(benign), refusalAnswer, targetTokens, generationBatchSize, audioPadding.mode()));
            TrainConfig config = train.config(runDir, dataSettings.modelDir(), seed, null);
            Path from = train.resumeCheckpoint(runDir);
            if (from == null && dataSettings.modelDir() == null)
                throw new UsageException("--model DIR is required to start a run (the base model to fine-tune); with --resume it is optional");
            SftTrainer.Result result;
            try (ConsoleProgress targets = new ConsoleProgress("targets", "queries", progress.show());
                 ConsoleProgress bar = new ConsoleProgress("sft", "batches", progress.show())) {
                Progress targetsBar = (done, total, message) -> {
                    targets.update(done, total, message);
                    if (done == total) targets.close(); // finished before training draws its bar
                };
                result = SftTrainer.train(dataSettings, config, from, targetsBar, bar, (steps, stepLoss) -> {});
            }
            LoraTrainLoop.Result r = result.training();
            var losses = r.state().losses();
            System.out.printf(Locale.ROOT, "sft rows: %d harmful (target \"%s\") + %d benign (the base model's answers) in %s%n",
                    result.targets().count("harmful"), result.targets().data().refusalAnswer(), result.targets().count("benign"),
                    runDir.resolve(SftTargets.FILE));
            System.out.printf(Locale.ROOT, "trained to epoch %d, step %d; last loss %.6f; %d queries in %.1f s = %.2f queries/s; checkpoint %s%n",
                    r.state().epoch(), r.state().optimizerSteps(), losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1).loss(),
                    r.samplesThisRun(), r.seconds(), r.samplesPerSecond(), r.lastCheckpoint());
            System.out.printf("loss per step: %s; evaluate with 'rrs eval --model MODEL_DIR --aligned RRS_RUN --compare sft=%s --out DIR', "
                    + "export with 'rrs export MODEL_DIR --lora %s --out DIR'%n", runDir.resolve(TrainingLog.FILE_NAME), runDir, runDir);
            return ExitCodes.OK;
        }
    }
}
