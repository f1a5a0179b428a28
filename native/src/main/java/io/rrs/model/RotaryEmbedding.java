package io.rrs.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Rotary position embedding as Qwen2 applies it: frequencies theta^(-2i/d) on the first and
 * second halves of each head ("rotate half" layout), angles computed in float32 from integer
 * position ids.
 */
public final class RotaryEmbedding {
    private final Tensor inverseFrequencies;

    public RotaryEmbedding(int headDim, double theta) {
        float[] inv = new float[headDim / 2];
        for (int i = 0; i < inv.length; i++) inv[i] = (float) (1.0 / Math.pow(theta, (2.0 * i) / headDim));
        inverseFrequencies = Tensors.keep(Tensors.floats(inv, inv.length));
    }

    /** Cosines and sines for positions [B, S], each shaped [B, 1, S, headDim] to broadcast over heads; float32. */
    public Tensor[] cosSin(Tensor positions) {
        Tensor angles = positions.to(ScalarType.Float).unsqueeze(-1).mul(Tensors.onDeviceOf(inverseFrequencies, positions));
        Tensor both = torch.cat(new TensorVector(angles, angles), -1).unsqueeze(1);
        return new Tensor[] {both.cos(), both.sin()};
    }

    /** As {@link #cosSin(Tensor)}, computed in float32 and handed out in the type of {@code activations} (as Qwen2 does). */
    public Tensor[] cosSin(Tensor positions, Tensor activations) {
        Tensor[] cs = cosSin(positions);
        return new Tensor[] {Tensors.typed(cs[0], activations), Tensors.typed(cs[1], activations)};
    }

    /** x * cos + rotate_half(x) * sin, x shaped [B, heads, S, headDim]. */
    public static Tensor apply(Tensor x, Tensor cos, Tensor sin) {
        long half = x.size(-1) / 2;
        Tensor first = x.narrow(-1, 0, half), second = x.narrow(-1, half, half);
        Tensor rotated = torch.cat(new TensorVector(second.neg(), first), -1);
        return x.mul(cos).add(rotated.mul(sin));
    }
}
