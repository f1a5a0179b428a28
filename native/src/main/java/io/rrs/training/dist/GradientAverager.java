package io.rrs.training.dist;

import io.rrs.model.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Scope: the data-parallel step's only communication: every trainable parameter's gradient plus the step's
 * loss packed into one flat float32 buffer, summed over the ranks with one c10d all-reduce, divided by the
 * world size and unpacked in place. Why one buffer: a call per LoRA factor (hundreds) would pay the
 * latency hundreds of times; the volume is the same. Clipping and AdamW then run identically on every rank.
 */
public final class GradientAverager {
    private final DataParallelGroup group;
    private final List<Tensor> parameters;
    private long lastElements;

    public GradientAverager(DataParallelGroup group, Map<String, Tensor> parameters) {
        this.group = group;
        this.parameters = List.copyOf(parameters.values()); // LinkedHashMap order: the same on every rank
    }

    /** Averages the gradients over all ranks in place and returns the mean of {@code localLoss}. */
    public double average(double localLoss) {
        try (NoGradGuard g = new NoGradGuard()) {
            List<Tensor> parts = new ArrayList<>();
            for (Tensor p : parameters) {
                // a parameter this rank's shard did not reach still takes part (as zeros): every rank sends the same layout
                Tensor grad = p.grad();
                parts.add(grad.defined() ? grad.reshape(-1).to(torch.ScalarType.Float) : torch.zeros(p.numel()).to(torch.ScalarType.Float));
            }
            parts.add(Tensors.floats(new float[] {(float) localLoss}, 1));
            Tensor flat = torch.cat(new TensorVector(parts.toArray(new Tensor[0]))).contiguous();
            lastElements = flat.numel();
            group.allReduceSum(flat);
            flat.div_(Tensors.scalar(group.config().worldSize()));
            long offset = 0;
            for (Tensor p : parameters) {
                long n = p.numel();
                Tensor grad = p.grad();
                if (grad.defined()) grad.copy_(flat.narrow(0, offset, n).view_as(grad));
                offset += n;
            }
            return flat.get(offset).item_double();
        }
    }

    /** Bytes one rank contributes per step (the all-reduce payload): gradients + loss, float32. */
    public long bytesPerStep() {
        return lastElements * Float.BYTES;
    }
}
