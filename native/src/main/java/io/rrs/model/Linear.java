package io.rrs.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** y = x W^T + b with PyTorch's [out, in] weight layout; the bias is optional. */
public final class Linear implements LinearOp {
    private final String name;
    private final Tensor weight;
    private final Tensor bias;

    public Linear(String name, Tensor weight, Tensor bias) {
        this.name = name;
        this.weight = weight;
        this.bias = bias;
    }

    /** Reads {@code name.weight} and, when present, {@code name.bias}. */
    public static Linear from(Weights w, String name) {
        return new Linear(name, w.get(name + ".weight"), w.getOrNull(name + ".bias"));
    }

    @Override
    public Tensor forward(Tensor x) {
        return bias == null ? torch.linear(x, weight) : torch.linear(x, weight, Tensors.optional(bias));
    }

    public String name() {
        return name;
    }

    public Tensor weight() {
        return weight;
    }

    /** Null when the projection has no bias. */
    public Tensor bias() {
        return bias;
    }

    public long inFeatures() {
        return weight.size(1);
    }

    public long outFeatures() {
        return weight.size(0);
    }
}
