package io.rrs.model;

import org.bytedeco.pytorch.Tensor;

/**
 * A projection y = f(x). The base implementation is {@link Linear}; the trainer substitutes
 * LoRA-wrapped projections through a {@link ProjectionAdapter} without touching the modules.
 */
@FunctionalInterface
public interface LinearOp {
    Tensor forward(Tensor x);
}
