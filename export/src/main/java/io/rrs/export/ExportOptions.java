package io.rrs.export;

import io.rrs.model.Compute;
import java.nio.file.Path;

/**
 * Scope: what one export needs, validated when built.
 *
 * @param checkpoint           model directory: config.json, model.safetensors (or a sharded index), tokenizer.json
 * @param lora                 LoRA to merge first: a reshape run folder or checkpoint directory, or a PEFT-style adapter
 *                             directory; null for the checkpoint as it is
 * @param outDir               where graphs, copied tokenizer/config and guard.json go (created if absent)
 * @param externalDataBytes    initializers of at least this many bytes go to an external-data file
 * @param tolerance            largest allowed |ONNX Runtime - libtorch| of logits and hidden states
 * @param deltaM               delta_m (.npy, [hidden]); null: the reshape run's given as {@code lora}, else none
 * @param calibrationHarmful   representations h(x) of harmful prompts (.npy, [N, hidden]); null: the reshape run's targets, else none
 * @param calibrationBenign    the same for benign prompts, or null (both or neither)
 * @param threads              intra-op threads for ONNX Runtime during the parity check
 * @param precision            the precision the weights are stored in ({@code tolerance} is usually its {@link ExportPrecision#parityBound})
 * @param parityCompute        where the parity check's libtorch reference runs ({@code --device}, {@code --dtype}); the graphs are written from the CPU
 */
public record ExportOptions(Path checkpoint, Path lora, Path outDir, long externalDataBytes, double tolerance,
                            Path deltaM, Path calibrationHarmful, Path calibrationBenign, int threads, ExportPrecision precision, Compute parityCompute) {
    /** 1 MiB: the tiny model stays in one file each, anything real goes external. */
    public static final long DEFAULT_EXTERNAL_DATA_BYTES = 1L << 20;
    /** The parity bound for float32 weights. */
    public static final double DEFAULT_TOLERANCE = ExportPrecision.FP32.parityBound();

    public ExportOptions {
        if (checkpoint == null) throw new IllegalArgumentException("checkpoint directory is required (config.json + model.safetensors + tokenizer.json)");
        if (outDir == null) throw new IllegalArgumentException("output directory is required (--out DIR)");
        if (externalDataBytes < 0) throw new IllegalArgumentException("external-data threshold must be >= 0 bytes, got " + externalDataBytes);
        if (!(tolerance > 0) || !Double.isFinite(tolerance)) throw new IllegalArgumentException("parity tolerance must be a positive number, got " + tolerance);
        if ((calibrationHarmful == null) != (calibrationBenign == null))
            throw new IllegalArgumentException("threshold calibration needs both harmful and benign representations (--calibrate-harmful and --calibrate-benign)");
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        if (precision == null) throw new IllegalArgumentException("precision is required (fp32, fp16 or bf16)");
        if (parityCompute == null) parityCompute = Compute.CPU;
        if (checkpoint.toAbsolutePath().normalize().equals(outDir.toAbsolutePath().normalize()))
            throw new IllegalArgumentException("output directory " + outDir + " is the checkpoint directory; choose another so nothing there is overwritten");
    }

    /** Defaults for everything but the paths. */
    public static ExportOptions of(Path checkpoint, Path outDir) {
        return new ExportOptions(checkpoint, null, outDir, DEFAULT_EXTERNAL_DATA_BYTES, DEFAULT_TOLERANCE, null, null, null, 1, ExportPrecision.FP32, Compute.CPU);
    }

    public ExportOptions withExternalDataBytes(long bytes) {
        return new ExportOptions(checkpoint, lora, outDir, bytes, tolerance, deltaM, calibrationHarmful, calibrationBenign, threads, precision, parityCompute);
    }

    public ExportOptions withLora(Path adapterDir) {
        return new ExportOptions(checkpoint, adapterDir, outDir, externalDataBytes, tolerance, deltaM, calibrationHarmful, calibrationBenign, threads, precision, parityCompute);
    }

    public ExportOptions withTolerance(double value) {
        return new ExportOptions(checkpoint, lora, outDir, externalDataBytes, value, deltaM, calibrationHarmful, calibrationBenign, threads, precision, parityCompute);
    }

    public ExportOptions withDeltaM(Path file) {
        return new ExportOptions(checkpoint, lora, outDir, externalDataBytes, tolerance, file, calibrationHarmful, calibrationBenign, threads, precision, parityCompute);
    }

    public ExportOptions withCalibration(Path harmful, Path benign) {
        return new ExportOptions(checkpoint, lora, outDir, externalDataBytes, tolerance, deltaM, harmful, benign, threads, precision, parityCompute);
    }

    /** Weights stored in {@code p}, checked against its parity bound. */
    public ExportOptions withPrecision(ExportPrecision p) {
        return new ExportOptions(checkpoint, lora, outDir, externalDataBytes, p.parityBound(), deltaM, calibrationHarmful, calibrationBenign, threads, p, parityCompute);
    }
}
