package io.rrs.train;

/**
 * Scope: the shape of the LoRA adapters RRS trains (DESIGN section 3): rank, alpha (the update is
 * scaled by alpha / rank) and the dropout applied to the adapter's input path during training.
 * Defaults are the paper's: r 16, alpha 4, dropout 0.1.
 */
public record LoraConfig(int rank, double alpha, double dropout) {
    public static final LoraConfig DEFAULT = new LoraConfig(16, 4.0, 0.1);

    public LoraConfig {
        if (rank < 1) throw new IllegalArgumentException("LoRA rank " + rank + " must be >= 1 (the paper uses --lora-rank 16)");
        if (!(alpha > 0) || !Double.isFinite(alpha))
            throw new IllegalArgumentException("LoRA alpha " + alpha + " must be a positive number (the paper uses --lora-alpha 4)");
        if (!(dropout >= 0 && dropout < 1))
            throw new IllegalArgumentException("LoRA dropout " + dropout + " must be in [0, 1) (the paper uses --lora-dropout 0.1)");
    }

    /** The factor s of delta W = s * B A. */
    public double scale() {
        return alpha / rank;
    }
}
