package io.rrs.pretrain;

import io.rrs.text.TextTokenizer;
import io.rrs.text.ChatTemplate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scope: {@code rrs pretrain}, the command that (re)builds the demo base model (docs/pretrain.md).
 * Relative paths resolve against the repository root ({@code rrs.root}, set by {@code ./rrs}), else the
 * working directory. Exit codes: 0 done, 1 bad input (the message says what to change).
 */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = "Train the demo base model from scratch on the train split: a tiny Qwen2-Audio-layout model that complies with "
                + "every question, refuses only when the query carries the refusal instruction, and repeats the question it hears "
                + "(audio-text, text-only and audio-only inputs). Writes OUT/config.json, model.safetensors, tokenizer.json, pretrain.json "
                + "per epoch and at the end; STATE/ holds what --resume needs. Same options, seed and threads give the same files. "
                + "Set OPENBLAS_NUM_THREADS to --threads.")
public final class PretrainCommand implements Callable<Integer> {
    @Option(names = "--data", defaultValue = "data/rrs", paramLabel = "DIR", description = "Spoken dataset ('rrs data build'); default: ${DEFAULT-VALUE}.")
    Path data;

    @Option(names = "--tokenizer", defaultValue = "data/tokenizer/tokenizer.json", paramLabel = "FILE",
            description = "tokenizer.json the model is sized for and ships with; default: ${DEFAULT-VALUE}.")
    Path tokenizer;

    @Option(names = "--out", defaultValue = "models/demo-base", paramLabel = "DIR", description = "Model folder to write; default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--state", defaultValue = "runs/pretrain-demo", paramLabel = "DIR",
            description = "Resumable training state (weights, AdamW moments, losses); default: ${DEFAULT-VALUE}.")
    Path state;

    @Option(names = "--resume", description = "Continue from STATE/latest (same options required).")
    boolean resume;

    @Option(names = "--epochs", defaultValue = "4", description = "Passes over the mix (one pass: every utterance once, every text twice); default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--stop-after", defaultValue = "0", paramLabel = "EPOCHS",
            description = "End after this many epochs while the learning-rate schedule still spans --epochs (a later --resume may go on); "
                    + "0 = every epoch (default).")
    int stopAfter;

    @Option(names = "--steps", defaultValue = "0", description = "Stop after N optimiser steps (the schedule spans N); 0 = all epochs (default).")
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
            description = "Start from this model folder's weights (e.g. the first stage of the demo recipe) instead of a seeded random init.")
    Path init;

    @Option(names = "--first-token-weight", defaultValue = "1", paramLabel = "W",
            description = "Weight of the first answer token's cross-entropy (it carries the comply/refuse decision and, for the demo, "
                    + "the harmful/benign opening); default: ${DEFAULT-VALUE} (plain mean).")
    double firstTokenWeight;

    @Option(names = "--tasks", split = ",", paramLabel = "TASK",
            description = "Train only these tasks of the mix, comma-separated: audio-text-comply, audio-text-refuse, audio-only-comply, "
                    + "audio-repeat, text-comply, text-refuse; default: all (docs/pretrain.md has what each teaches).")
    List<String> tasks;

    @Option(names = "--threads", defaultValue = "2", description = "libtorch threads (set OPENBLAS_NUM_THREADS to the same); default: ${DEFAULT-VALUE}.")
    int threads;

    static Path resolve(Path p) {
        return io.rrs.cli.RepoPaths.resolve(p);
    }

    @Override
    public Integer call() {
        try {
            Path tokenizerFile = resolve(tokenizer);
            ChatTemplate template = new ChatTemplate(TextTokenizer.open(tokenizerFile));
            PretrainSettings settings = new PretrainSettings(resolve(data), tokenizerFile, resolve(out), resolve(state),
                    DemoModelSize.demo(template.tokenizer().vocabSize(), template.audioTokenId()), epochs, steps, batchSize, lr, warmup,
                    minLrRatio, weightDecay, clipNorm, seed, limit, threads, init == null ? null : resolve(init), firstTokenWeight,
                    tasks == null ? null : tasks.stream().map(PretrainTask::parse).collect(java.util.stream.Collectors.toSet()), stopAfter);
            if (System.getenv("OPENBLAS_NUM_THREADS") == null)
                System.err.println("rrs pretrain: OPENBLAS_NUM_THREADS is not set; OpenBLAS may oversubscribe the cores (set it to " + threads + ")");
            PretrainTrainer.Result r;
            try (PretrainProgress bar = new PretrainProgress()) {
                r = PretrainTrainer.train(settings, resume, bar, new PretrainTrainer.StepListener() {
                    @Override
                    public void afterStep(long step, double loss) {}

                    @Override
                    public void afterEpoch(int epoch, double meanLoss, double seconds, long samples) {
                        System.err.printf("%nepoch %d: mean loss %.4f, %d samples in %.1f s (%.1f samples/s)%n", epoch + 1, meanLoss, samples, seconds,
                                samples / Math.max(seconds, 1e-9));
                    }
                });
            }
            System.out.printf("pretrained %d steps (%.1f samples/s this run); final loss %.4f; model in %s%n", r.steps(), r.samplesPerSecond(),
                    r.losses().get(r.losses().size() - 1), settings.outDir());
            return 0;
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("rrs pretrain: " + e.getMessage());
            return 1;
        }
    }
}
