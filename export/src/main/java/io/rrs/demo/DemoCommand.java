package io.rrs.demo;

import io.rrs.cli.CommonOptions;
import io.rrs.cli.ExitCodes;
import io.rrs.cli.UsageException;
import io.rrs.training.LoraOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Scope: {@code rrs demo}, the main job on the embedded default (README, docs/demo.md): the bundled
 * dataset and the committed base model, RRS, the before/after evaluation in three conditions, the ONNX
 * export and the guard's screening, each stage timed and skipped when already complete. Replaces the
 * runtime's placeholder {@code demo} (registered through {@link DemoCommandProvider}). Relative paths
 * resolve against the repository root ({@code rrs.root}, set by the {@code ./rrs} launcher), else the
 * working directory. Exit codes as every command's ({@link ExitCodes}): 0 done; 1 an input cannot be used or
 * a stage failed (rerun to resume); 2 bad options; 3 RRS training diverged; 5 a corrupted run or demo state.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The main job on the embedded default: check the spoken dataset (the bundled data/demo) and the base model "
                + "(" + DemoSettings.MODEL + "), align it with RRS (reshape prepare + train into WORK/rrs), evaluate base vs RRS on the test split in "
                + "the three conditions (WORK/eval: report.md, loss.png, pca.png), export base + RRS as ONNX with the parity check "
                + "(WORK/guard), and screen every test query with the guard in the three conditions, measuring how often its one-pass "
                + "verdict agrees with the refusal in respond's answer (WORK/screen).",
                "Each stage prints its time and is skipped when its outputs are complete, so an interrupted demo resumes; a work folder "
                        + "made with other inputs is refused (use another --work, or --restart). Ends with the before/after table, the "
                        + "agreement table, where the files are, and a guard command to try."})
public final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", defaultValue = DemoSettings.DATA, paramLabel = "DIR",
            description = "Spoken dataset: the bundled mini set, or data/rrs after './rrs data build'; default: ${DEFAULT-VALUE}.")
    Path data;

    @Option(names = "--model", defaultValue = DemoSettings.MODEL, paramLabel = "DIR",
            description = "Base model (config.json, model.safetensors, tokenizer.json), as './rrs pretrain' writes it; default: ${DEFAULT-VALUE}.")
    Path model;

    @Option(names = "--work", defaultValue = DemoSettings.WORK, paramLabel = "DIR",
            description = "Work folder for rrs/, eval/, guard/, screen/ and demo.json; default: ${DEFAULT-VALUE}.")
    Path work;

    @Option(names = "--restart", description = "Remove the demo's outputs from --work first (rrs/, eval/, guard/, screen/, demo.json) and run every stage.")
    boolean restart;

    @Option(names = "--epochs", defaultValue = "" + DemoSettings.EPOCHS, description = "RRS training epochs; default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--lr", defaultValue = "" + DemoSettings.LR,
            description = "RRS learning rate (AdamW; the paper's 5e-5 is for a 7B model); default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--batch-size", defaultValue = "" + DemoSettings.BATCH_SIZE, description = "Training queries per micro-batch; default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--accumulation", defaultValue = "" + DemoSettings.ACCUMULATION,
            description = "Micro-batches per optimiser step; default: ${DEFAULT-VALUE}.")
    int accumulation;

    @Mixin
    LoraOptions lora;

    @Option(names = "--top-percent", paramLabel = "M", description = "Mask: keep the M%% largest contributions instead of every positive one.")
    Double topPercent;

    @Option(names = "--condition", defaultValue = "text-only", paramLabel = "COND",
            description = "Input condition RRS prepares and trains on: text-only (the demo's preset: the written questions, the bundled "
                    + "set's 1,003), audio-text (the paper's) or audio-only; default: ${DEFAULT-VALUE}. The demo base model tells harmful from "
                    + "benign in writing only, so text-only is where RRS can act on it (docs/demo.md).")
    String condition;

    @Option(names = "--penalty-weight", defaultValue = "" + DemoSettings.PENALTY_WEIGHT, paramLabel = "W",
            description = "Weight of the LoRA penalty against the MSE; default: ${DEFAULT-VALUE} (the demo's preset; the paper's 1 holds a model "
                    + "this small in place, 0 lets the written adapters move the spoken answers too: docs/demo.md).")
    double penaltyWeight;

    @Option(names = "--train-limit", defaultValue = "0", paramLabel = "N", description = "Training queries per class (seeded subset); 0 = all (default).")
    int trainLimit;

    @Option(names = "--eval-limit", defaultValue = "0", paramLabel = "N",
            description = "Test utterances to evaluate and screen (harmful and benign alternating); 0 = all (default).")
    int evalLimit;

    @Option(names = "--max-new-tokens", defaultValue = "" + DemoSettings.MAX_NEW_TOKENS, paramLabel = "N",
            description = "Greedy answer length in the evaluation and in the guard's respond; default: ${DEFAULT-VALUE}.")
    int maxNewTokens;

    @Option(names = "--eval-batch-size", defaultValue = "" + DemoSettings.EVAL_BATCH_SIZE, paramLabel = "N",
            description = "Queries per forward pass in the evaluation; default: ${DEFAULT-VALUE}.")
    int evalBatchSize;

    @Mixin
    CommonOptions.OrtThreads threads;

    @Option(names = "--seed", defaultValue = "" + DemoSettings.SEED, description = "Seed of LoRA init, data order, prompt draws and dropout; default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    CommonOptions.FallbackTokenizer tokenizer;

    @Mixin
    CommonOptions.Progress progress;

    static Path root() {
        return io.rrs.cli.RepoPaths.root();
    }

    static Path resolve(Path p) {
        return io.rrs.cli.RepoPaths.resolve(p);
    }

    @Override
    public Integer call() throws Exception {
        java.io.PrintWriter out = spec.commandLine().getOut();
        DemoSettings settings = UsageException.fromOptions(() -> new DemoSettings(resolve(data), resolve(model), resolve(work), tokenizer.file(),
                lora.config(), lr, epochs, batchSize, accumulation, topPercent, trainLimit, evalLimit, maxNewTokens, evalBatchSize, threads.threads(), seed,
                progress.show(), io.rrs.text.InputCondition.parse(condition), penaltyWeight));
        DemoPipeline pipeline = new DemoPipeline(settings, out, root());
        long t0 = System.nanoTime();
        if (restart) {
            List<Path> removed = DemoPipeline.restart(settings.work());
            out.println("restart: removed " + (removed.isEmpty() ? "nothing" : removed.stream().map(pipeline::display).toList()));
        }
        out.println("rrs demo: work folder " + pipeline.display(settings.work()));
        DemoPipeline.Result r = pipeline.run();
        DemoSummary.print(r, pipeline, out);
        out.printf(java.util.Locale.ROOT, "%ntook %.1f s (%d stages run, %d complete before: %s)%n", (System.nanoTime() - t0) / 1e9, r.ran().size(),
                r.skipped().size(), r.skipped().isEmpty() ? "none" : String.join(", ", r.skipped()));
        out.flush();
        return ExitCodes.OK;
    }
}
