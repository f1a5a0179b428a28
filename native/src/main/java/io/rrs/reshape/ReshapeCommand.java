package io.rrs.reshape;

import io.rrs.cli.CommonOptions;
import io.rrs.cli.ExitCodes;
import io.rrs.cli.RepoPaths;
import io.rrs.cli.UsageException;
import io.rrs.kernels.FeatureMask;
import io.rrs.kernels.RrsObjective;
import io.rrs.text.InputCondition;
import io.rrs.training.AudioPaddingOption;
import io.rrs.training.ComputeOption;
import io.rrs.training.ConsoleProgress;
import io.rrs.training.LoraTrainOptions;
import io.rrs.training.Progress;
import io.rrs.training.TrainConfig;
import io.rrs.training.TrainingLog;
import io.rrs.training.dist.DistConfig;
import io.rrs.training.dist.LocalLauncher;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Scope: {@code rrs reshape prepare}, {@code separation} and {@code train}, the command line of RRS alignment
 * (DESIGN section 3, docs/reshape.md). Relative paths resolve against the repository root ({@code rrs.root},
 * set by the {@code ./rrs} launcher), else the working directory. Exit codes as every command's
 * ({@link ExitCodes}): 0 done, 1 failed, 2 bad options, 3 non-finite loss, 4 a rank failed, 5 corrupted run files.
 */
@Command(name = "reshape", mixinStandardHelpOptions = true,
        description = "RRS alignment: prepare the frozen model's representations and targets, then train LoRA adapters towards them.",
        subcommands = {ReshapeCommand.Prepare.class, ReshapeCommand.Separation.class, ReshapeCommand.Train.class})
public final class ReshapeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }


    @Command(name = "prepare", mixinStandardHelpOptions = true,
            description = "Compute the frozen model's last-token representations h0 of the harmful, harmful + refusal instruction and "
                    + "benign training queries, the shift delta, the contributions against the lm_head row of the refusal token \"I\", "
                    + "the feature mask and the targets h0 +/- delta_m, and save them in RUN/prepare/ (hashed, written atomically). "
                    + "Training uses the --audio-padding chosen here.")
    static final class Prepare implements Callable<Integer> {
        @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory: config.json, model.safetensors, tokenizer.json.")
        Path model;

        @CommandLine.Mixin
        CommonOptions.SpokenData data;

        @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run directory to create (prepare/ goes inside).")
        Path run;

        @Option(names = "--condition", defaultValue = "audio-text", paramLabel = "COND",
                description = "Input condition of the representations: audio-text (audio question + instruction, the paper's), "
                        + "text-only or audio-only; default: ${DEFAULT-VALUE}.")
        String condition;

        @Option(names = "--top-percent", paramLabel = "M",
                description = "Keep the M%% features with the largest contribution (e.g. 12.5, 25, 50) instead of every positive one.")
        Double topPercent;

        @Option(names = "--limit", defaultValue = "0", paramLabel = "N", description = "Use N training queries per class (seeded choice); 0 = all (default).")
        int limit;

        @Option(names = "--batch-size", defaultValue = "8", description = "Queries per frozen forward pass; default: ${DEFAULT-VALUE}.")
        int batchSize;

        @Option(names = "--seed", defaultValue = "20250519", description = "Seed of the --limit subset; default: ${DEFAULT-VALUE}.")
        long seed;

        @CommandLine.Mixin
        AudioPaddingOption audioPadding;

        @CommandLine.Mixin
        ComputeOption compute;

        @Option(names = "--statistics", defaultValue = "fused", paramLabel = "PATH",
                description = "Class statistics by the fused kernel (fused) or libtorch ops (reference); default: ${DEFAULT-VALUE}.")
        String statistics;

        @CommandLine.Mixin
        CommonOptions.Progress progress;

        @Override
        public Integer call() throws Exception {
            PrepareConfig config = UsageException.fromOptions(() -> new PrepareConfig(RepoPaths.resolve(model), data.dir(), RepoPaths.resolve(run),
                    InputCondition.parse(condition), topPercent == null ? FeatureMask.positive() : FeatureMask.topPercent(topPercent), limit,
                    batchSize, seed, path(statistics), audioPadding.mode(), compute.compute()));
            PreparedRun prepared;
            try (ConsoleProgress bar = new ConsoleProgress("prepare", "queries", progress.show())) {
                prepared = ReshapePrepare.run(config, bar);
            }
            System.out.printf("prepared %d harmful + %d benign queries; mask %s keeps %d of %d features; written to %s%n",
                    prepared.manifest().path("harmful_rows").asLong(), prepared.manifest().path("benign_rows").asLong(),
                    prepared.statistics().path("mask_rule").asText(), prepared.statistics().path("kept_features").asLong(),
                    prepared.manifest().path("hidden_size").asLong(), prepared.dir());
            ClassSeparation separation = ClassSeparation.fromJson(prepared.statistics().path("class_separation"));
            System.out.println(separation.describe());
            if (separation.weak())
                System.err.printf(Locale.ROOT, "%s: warning: below %.0f %%, the model barely tells harmful from benign queries; RRS moves them in "
                        + "opposite directions, so on such a model the targets cancel and training changes little (docs/reshape.md)%n",
                        "rrs reshape prepare", 100 * ClassSeparation.WARN_BELOW);
            return ExitCodes.OK;
        }
    }

    @Command(name = "separation", mixinStandardHelpOptions = true,
            description = "How well the prepared training rows' class means tell harmful from benign queries of another split: the "
                    + "test split's utterances (unseen questions, and unseen voices in a many-voice dataset) through the same frozen model, "
                    + "condition and audio padding as prepare, scored by the midpoint of the training rows' class means (balanced accuracy; "
                    + "0.5 = indistinguishable). The direction RRS reshapes along, judged where it must generalise. Writes RUN/separation.json.")
    static final class Separation implements Callable<Integer> {
        @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run directory that 'rrs reshape prepare' wrote.")
        Path run;

        @Option(names = "--split", defaultValue = "test", paramLabel = "NAME", description = "Which utterances to judge: test or train; default: ${DEFAULT-VALUE}.")
        String split;

        @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
                description = "Judge N utterances per class (seeded as prepare's choice); 0 = all (default).")
        int limit;

        @Option(names = "--batch-size", defaultValue = "8", description = "Queries per frozen forward pass; default: ${DEFAULT-VALUE}.")
        int batchSize;

        @CommandLine.Mixin
        ComputeOption compute;

        @CommandLine.Mixin
        CommonOptions.Progress progress;

        @Override
        public Integer call() throws Exception {
            io.rrs.data.PromptSplit.Split which = UsageException.fromOptions(() -> {
                if (!split.equalsIgnoreCase("test") && !split.equalsIgnoreCase("train"))
                    throw new IllegalArgumentException("--split " + split + ": use test or train");
                return io.rrs.data.PromptSplit.Split.parse(split);
            });
            if (limit < 0 || batchSize < 1) throw new UsageException("--limit must be >= 0 and --batch-size >= 1");
            SplitSeparation.Result result;
            try (ConsoleProgress bar = new ConsoleProgress("separation", "queries", progress.show())) {
                result = SplitSeparation.measure(RepoPaths.resolve(run), which, limit, batchSize, compute.compute(), bar);
            }
            System.out.println(SplitSeparation.describe(result) + "; written to " + RepoPaths.resolve(run).resolve(SplitSeparation.FILE));
            return ExitCodes.OK;
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train LoRA adapters (every decoder q/k/v/o/gate/up/down) so that h(x) moves to the prepared targets: MSE plus the "
                    + "Gram-form LoRA penalty, AdamW, gradient clipping and accumulation; a checkpoint per epoch in RUN/checkpoints/ "
                    + "(atomic, hashed; 'latest' names the newest). With --resume, continues exactly where the last checkpoint stopped; "
                    + "the checkpoint's settings apply then, except --epochs.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run directory that 'rrs reshape prepare' wrote.")
        Path run;

        @Option(names = "--model", paramLabel = "DIR", description = "Model directory; default: the one prepare used (must be the same model).")
        Path model;

        @CommandLine.Mixin
        LoraTrainOptions train;

        @Option(names = "--seed", defaultValue = "20250519", description = "Seed of LoRA init, data order, prompt draws and dropout; default: ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--loss", defaultValue = "fused", paramLabel = "PATH",
                description = "Loss and penalty by the fused kernels (fused) or libtorch autograd (reference); default: ${DEFAULT-VALUE}.")
        String loss;

        @Option(names = "--penalty-weight", defaultValue = "1", paramLabel = "W",
                description = "Weight of the LoRA penalty sum ||s B A||_F^2 against the MSE; default: ${DEFAULT-VALUE} (the paper's). "
                        + "A small model needs large relative weight changes, which the full penalty holds back (docs/reshape.md).")
        double penaltyWeight;

        @Option(names = "--world-size", defaultValue = "1", paramLabel = "N",
                description = "Data-parallel processes (c10d Gloo); each trains on 1/N of every micro-batch; default: ${DEFAULT-VALUE}.")
        int worldSize;

        @Option(names = "--rank", paramLabel = "R", description = "This process's rank, 0..N-1 (rank 0 hosts --master and writes the checkpoints). "
                + "Leave it out with --world-size N > 1 to start all N ranks locally.")
        Integer processRank;

        @Option(names = "--master", paramLabel = "ADDR:PORT", description = "Rendezvous of the ranks (rank 0 listens there); "
                + "default for a local launch: 127.0.0.1 and a free port.")
        String master;

        @Option(names = "--dist-timeout", defaultValue = "60", paramLabel = "SECONDS",
                description = "Stop with an error naming the rank when a peer is dead or hung this long; default: ${DEFAULT-VALUE}.")
        long distTimeout;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        CommonOptions.Progress progress;

        @Override
        public Integer call() throws Exception {
            Path runDir = RepoPaths.resolve(run);
            if (worldSize > 1 && processRank == null) // the launcher: this process only starts and watches the N ranks
                return LocalLauncher.run(worldSize, master, java.time.Duration.ofSeconds(distTimeout),
                        spec.commandLine().getParseResult().originalArgs(), runDir);
            DistConfig dist = UsageException.fromOptions(() -> DistConfig.of(worldSize, processRank == null ? 0 : processRank, master,
                    java.time.Duration.ofSeconds(distTimeout)));
            TrainConfig config = UsageException.fromOptions(() -> train.config(runDir, RepoPaths.resolve(model), seed, path(loss)).withPenaltyWeight(penaltyWeight));
            Path from = train.resumeCheckpoint(runDir);
            ReshapeTrainer.Result result;
            if (dist.writesFiles()) {
                try (ConsoleProgress bar = new ConsoleProgress("train", "batches", progress.show())) {
                    result = ReshapeTrainer.train(config, from, bar, (steps, stepLoss) -> {}, dist);
                }
            } else {
                result = ReshapeTrainer.train(config, from, Progress.none(), (steps, stepLoss) -> {}, dist);
                System.out.printf(Locale.ROOT, "rank %d of %d: trained to step %d%n", dist.rank(), dist.worldSize(), result.state().optimizerSteps());
                return ExitCodes.OK;
            }
            var losses = result.state().losses();
            System.out.printf(Locale.ROOT, "trained to epoch %d, step %d; last loss %.6f; %d queries in %.1f s = %.2f queries/s; checkpoint %s%n",
                    result.state().epoch(), result.state().optimizerSteps(), losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1).loss(),
                    result.samplesThisRun(), result.seconds(), result.samplesPerSecond(), result.lastCheckpoint());
            System.out.printf("loss per step: %s; evaluate with 'rrs eval --model MODEL_DIR --aligned %s --out DIR', "
                    + "export with 'rrs export MODEL_DIR --lora %s --out DIR'%n", TrainingLog.fileOf(config.runDir()), config.runDir(), config.runDir());
            return ExitCodes.OK;
        }
    }

    static RrsObjective.Path path(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "fused" -> RrsObjective.Path.FUSED;
            case "reference" -> RrsObjective.Path.REFERENCE;
            default -> throw new UsageException("unknown path \"" + name + "\"; use fused or reference");
        };
    }
}
