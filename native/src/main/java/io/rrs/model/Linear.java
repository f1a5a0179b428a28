package io.rrs.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * y = x W^T + b with PyTorch's [out, in] weight layout; the bias is optional. The product is computed
 * in the activations' type: a weight stored in another type (a bf16 checkpoint run in float32) is
 * converted where it is used, in slices of at most {@link #CONVERT_SLICE_BYTES} of output rows, so
 * that no converted copy of a large weight (the LM head: vocab x hidden) ever exists whole.
 */
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

    /** Largest converted weight slice: 256 MiB. */
    static final long CONVERT_SLICE_BYTES = 256L << 20;

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, CONVERT_SLICE_BYTES);
    }

    /** As {@link #forward(Tensor)}, converting at most {@code sliceBytes} of the weight at a time. */
    Tensor forward(Tensor x, long sliceBytes) {
        ScalarType type = x.scalar_type().intern();
        if (weight.scalar_type().intern() == type) return product(x, weight, bias);
        long rows = weight.size(0), rowBytes = weight.size(1) * x.element_size();
        long perSlice = Math.max(1, sliceBytes / rowBytes);
        if (perSlice >= rows) return converted(x, 0, rows, type);
        TensorVector parts = new TensorVector();
        for (long r = 0; r < rows; r += perSlice) parts.push_back(converted(x, r, Math.min(perSlice, rows - r), type));
        return torch.cat(parts, -1);
    }

    /** x times rows [from, from + count) of the weight converted to {@code type}; the converted copy is released at once. */
    private Tensor converted(Tensor x, long from, long count, ScalarType type) {
        Tensor w = (count == weight.size(0) ? weight : weight.narrow(0, from, count)).to(type);
        Tensor b = bias == null ? null : (count == bias.size(0) ? bias : bias.narrow(0, from, count)).to(type);
        Tensor y = product(x, w, b);
        w.close(); // autograd keeps its own reference where it needs the weight; otherwise the memory returns now
        if (b != null) b.close();
        return y;
    }

    private static Tensor product(Tensor x, Tensor w, Tensor b) {
        return b == null ? torch.linear(x, w) : torch.linear(x, w, Tensors.optional(b));
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
