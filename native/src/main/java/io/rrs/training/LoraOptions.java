package io.rrs.training;

import picocli.CommandLine.Option;

/**
 * Scope: the LoRA adapters' shape on the command line (a picocli mixin of {@code rrs reshape train},
 * {@code rrs sft train} and {@code rrs demo}), with the paper's defaults ({@link LoraConfig#DEFAULT}).
 */
public final class LoraOptions {
    @Option(names = "--lora-rank", defaultValue = "16", description = "LoRA rank r; default: ${DEFAULT-VALUE}.")
    int rank;

    @Option(names = "--lora-alpha", defaultValue = "4", description = "LoRA alpha (scale alpha/r); default: ${DEFAULT-VALUE}.")
    double alpha;

    @Option(names = "--lora-dropout", defaultValue = "0.1", description = "Dropout on the adapters' input; default: ${DEFAULT-VALUE}.")
    double dropout;

    /** The shape these options give; an out-of-range value fails naming the option. */
    public LoraConfig config() {
        return new LoraConfig(rank, alpha, dropout);
    }
}
