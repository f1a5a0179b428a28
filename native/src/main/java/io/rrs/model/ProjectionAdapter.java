package io.rrs.model;

/**
 * Decides what runs in place of a decoder projection: given its Hugging Face name (e.g.
 * {@code language_model.model.layers.3.self_attn.q_proj}) and the frozen base {@link Linear},
 * return the op to use. This is the seam where LoRA adapters attach to q/k/v/o/gate/up/down.
 */
@FunctionalInterface
public interface ProjectionAdapter {
    LinearOp adapt(String name, Linear base);

    /** Leaves every projection as it is. */
    static ProjectionAdapter identity() {
        return (name, base) -> base;
    }
}
