package io.rrs.export;

import io.rrs.cli.CommonOptions;
import io.rrs.cli.ExitCodes;
import io.rrs.cli.UsageException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Scope: {@code rrs export CHECKPOINT --out DIR}: the command-line face of {@link Exporter}. Exit codes
 * as every command's ({@link ExitCodes}): 0 when the graphs are written and pass the parity check, 1 when
 * the parity check fails (the message names the largest difference and where) or an input cannot be
 * used, 2 for bad options, 5 for a corrupted {@code --lora} run.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Merge LoRA into the base weights, write the model as ONNX (embed_tokens.onnx, encoder.onnx, decoder.onnx with KV cache), "
                + "copy tokenizer and config, check ONNX Runtime against the libtorch forward pass, and write guard.json for the runtime guard.",
                "Fails (exit 1) when this parity check finds any logit or hidden state differing by more than the tolerance; "
                        + "--threads sets ONNX Runtime's threads for it."})
public final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "Model directory: config.json, model.safetensors (or a sharded index), tokenizer.json.")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created; must differ from CHECKPOINT).")
    Path out;

    @Option(names = "--lora", paramLabel = "DIR", description = {"LoRA adapters to merge before export: an 'rrs reshape train' run folder (its latest "
            + "checkpoint) or one of its checkpoints/step-* directories (hashes verified; delta_m and the threshold calibration then default to the "
            + "run's prepare output), or a PEFT directory (adapter_config.json + adapter_model.safetensors)."})
    Path lora;

    @Option(names = "--delta-m", paramLabel = "FILE.npy", description = "delta_m ([hidden] floats) recorded in guard.json; default: the --lora reshape run's, else null.")
    Path deltaM;

    @Option(names = "--calibrate-harmful", paramLabel = "FILE.npy", description = "Representations h(x) of harmful prompts, [N, hidden], to calibrate the threshold; default: the --lora reshape run's harmful training targets.")
    Path calibrateHarmful;

    @Option(names = "--calibrate-benign", paramLabel = "FILE.npy", description = "The same for benign prompts; default: the --lora reshape run's benign training targets.")
    Path calibrateBenign;

    @Option(names = "--external-data-bytes", paramLabel = "BYTES", defaultValue = "" + ExportOptions.DEFAULT_EXTERNAL_DATA_BYTES,
            description = "Initializers of at least this size go to NAME.onnx.data (default: ${DEFAULT-VALUE}).")
    long externalDataBytes;

    @picocli.CommandLine.Mixin
    io.rrs.training.ComputeOption compute;

    @Option(names = "--precision", paramLabel = "fp32|fp16|bf16", defaultValue = "fp32", converter = PrecisionConverter.class,
            description = "Precision of the exported weights (the graphs compute in float32 either way): fp32, fp16 or bf16 (half the size; "
                    + "bf16 loses nothing from a bf16 checkpoint). Default: ${DEFAULT-VALUE}.")
    ExportPrecision precision;

    @Option(names = "--tolerance", paramLabel = "ABS",
            description = "Largest allowed |ONNX Runtime - libtorch| for logits and last hidden states (default: the precision's bound, "
                    + "fp32 1e-4, fp16 2e-2, bf16 1e-1; docs/export.md).")
    Double tolerance;

    @Mixin
    CommonOptions.OrtThreads threads;

    @Override
    public Integer call() throws Exception {
        ExportOptions options = UsageException.fromOptions(() ->
                new ExportOptions(checkpoint, lora, out, externalDataBytes, tolerance != null ? tolerance : precision.parityBound(), deltaM,
                        calibrateHarmful, calibrateBenign, threads.threads(), precision, compute.compute()));
        Exporter.Result r = Exporter.export(options);
        System.out.print(r.parity().table());
        System.out.printf("parity: max |ONNX Runtime - libtorch| = %.3e <= %.1e (%s weights)%n", r.parity().maxDiff(), options.tolerance(), precision.label());
        for (Path f : r.files()) System.out.println("wrote " + f);
        System.out.println("wrote " + r.manifest());
        return ExitCodes.OK;
    }

    /** {@code --precision}'s value; the message lists the valid ones. */
    static final class PrecisionConverter implements picocli.CommandLine.ITypeConverter<ExportPrecision> {
        @Override
        public ExportPrecision convert(String value) {
            try {
                return ExportPrecision.of(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
