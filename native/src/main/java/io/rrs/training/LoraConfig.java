package io.rrs.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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

    /** Writes lora_rank, lora_alpha, lora_dropout into a run's settings (state.json of every checkpoint). */
    public ObjectNode putJson(ObjectNode o) {
        return o.put("lora_rank", rank).put("lora_alpha", alpha).put("lora_dropout", dropout);
    }

    /** The adapter shape recorded by {@link #putJson} (any trainer's checkpoint settings). */
    public static LoraConfig fromJson(JsonNode o) {
        return new LoraConfig(o.path("lora_rank").asInt(), o.path("lora_alpha").asDouble(), o.path("lora_dropout").asDouble());
    }

    /** The factor s of delta W = s * B A. */
    public double scale() {
        return alpha / rank;
    }
}
