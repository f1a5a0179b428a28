package io.rrs.training;

import io.rrs.cli.UsageException;
import io.rrs.model.Compute;
import picocli.CommandLine.Option;

/**
 * Scope: {@code --device} and {@code --dtype} (a picocli mixin of every command that runs the trainer's
 * model: {@code rrs reshape prepare|train}, {@code rrs sft train}, {@code rrs eval}, {@code rrs export}):
 * where the model runs and its compute type. Weights stay in their stored type either way (docs/model.md).
 */
public final class ComputeOption {
    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEV",
            description = "cpu, cuda or cuda:N: model, LoRA, optimiser state and batches on that device (CUDA needs the -Pgpu build "
                    + "and a GPU; 'rrs doctor' says what this machine has); default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--dtype", defaultValue = "float32", paramLabel = "TYPE",
            description = "Compute type of the activations: float32, bfloat16 or float16. A bf16 checkpoint stays bf16 in memory either way; "
                    + "float32 converts each weight where it is used. LoRA, optimiser state and losses are float32; default: ${DEFAULT-VALUE}.")
    String dtype;

    /** The device and type named; a bad name or an unreachable device is a usage error. */
    public Compute compute() {
        try {
            return Compute.parse(device, dtype);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
