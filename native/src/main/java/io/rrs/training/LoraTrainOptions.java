package io.rrs.training;

import io.rrs.cli.RepoPaths;
import io.rrs.cli.UsageException;
import io.rrs.kernels.RrsObjective;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Scope: the command-line options that {@code rrs reshape train} and {@code rrs sft train} share (a picocli
 * mixin), so both take the same LoRA, AdamW, batching, epoch, checkpoint and resume settings with the paper's
 * defaults (DESIGN section 3) and report them the same way.
 */
public final class LoraTrainOptions {
    @Mixin
    LoraOptions lora;

    @Option(names = "--lr", defaultValue = "5e-5", description = "AdamW learning rate; default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--beta1", defaultValue = "0.9", description = "AdamW beta1; default: ${DEFAULT-VALUE}.")
    double beta1;

    @Option(names = "--beta2", defaultValue = "0.98", description = "AdamW beta2; default: ${DEFAULT-VALUE}.")
    double beta2;

    @Option(names = "--eps", defaultValue = "1e-8", description = "AdamW epsilon; default: ${DEFAULT-VALUE}.")
    double eps;

    @Option(names = "--weight-decay", defaultValue = "0.001", description = "AdamW decoupled weight decay; default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--clip-norm", defaultValue = "1.0", description = "Clip the global gradient norm to this (0 = off); default: ${DEFAULT-VALUE}.")
    double clipNorm;

    @Option(names = "--batch-size", defaultValue = "4", description = "Queries per micro-batch; default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--accumulation", defaultValue = "2", description = "Micro-batches per optimiser step; default: ${DEFAULT-VALUE}.")
    int accumulation;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs; default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--no-prompt-pool", description = "Feed the evaluation instruction instead of drawing from the pool of ten.")
    boolean noPromptPool;

    @Option(names = "--save-every", defaultValue = "0", paramLabel = "STEPS",
            description = "Also checkpoint every STEPS optimiser steps inside an epoch; 0 = once per epoch (default).")
    int saveEvery;

    @Mixin
    ComputeOption compute;

    @Option(names = "--activation-checkpointing",
            description = "Keep only each decoder layer's input in the forward pass and recompute the layer in the backward pass: activation "
                    + "memory of one layer instead of all, for about one more forward pass of time ('rrs reshape train'; the same result).")
    boolean activationCheckpointing;

    @Option(names = "--resume", description = "Continue from RUN/checkpoints/latest.")
    boolean resume;

    @Option(names = "--resume-from", paramLabel = "DIR", description = "Continue from this checkpoint directory (e.g. an earlier one).")
    Path resumeFrom;

    /** The settings these options give (validated by the records; a value out of range is a usage error naming the option). */
    public TrainConfig config(Path runDir, Path modelDir, long seed, RrsObjective.Path loss) {
        return UsageException.fromOptions(() -> new TrainConfig(runDir, modelDir, lora.config(),
                new AdamWConfig(lr, beta1, beta2, eps, weightDecay, clipNorm), batchSize, accumulation, epochs, seed, !noPromptPool, loss, saveEvery,
                1.0, compute.compute(), activationCheckpointing));
    }

    /** Where the model runs ({@code --device}, {@code --dtype}). */
    public io.rrs.model.Compute compute() {
        return compute.compute();
    }

    /** The checkpoint to continue from: --resume-from, or with --resume the run's latest; null for a fresh start. */
    public Path resumeCheckpoint(Path runDir) throws IOException {
        Path from = RepoPaths.resolve(resumeFrom);
        if (resume && from == null) {
            from = Checkpoint.latest(runDir);
            if (from == null) throw new IOException("--resume: run " + runDir + " has no checkpoint yet; start it without --resume");
        }
        return from;
    }
}
