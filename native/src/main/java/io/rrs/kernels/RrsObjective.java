package io.rrs.kernels;

import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * The RRS training objective {@code L = mean((H - H0 - sign * delta_m)^2) + w * sum ||s B A||_F^2}
 * for one batch ({@code w} = 1 in the paper), leaving dL/dparameter in every parameter's {@code .grad}: either through the
 * fused kernels (value from the kernel, {@code H.backward(dL/dH)}, penalty gradients added to the
 * LoRA factors' {@code .grad}) or through the libtorch reference with autograd. Both paths leave
 * the same gradients (FusedOptimiserStepTest); the trainer picks one by configuration.
 */
public final class RrsObjective {
    /** How the loss and its gradients are computed. */
    public enum Path { FUSED, REFERENCE }

    private RrsObjective() {}

    /**
     * Computes the objective and accumulates its gradients.
     *
     * @param h the current representations (B x D) with their autograd graph
     * @param h0 the frozen model's representations (B x D), same dtype as {@code h}
     * @param sign +1 for harmful rows, -1 for benign rows (B)
     * @param deltaMasked the masked shift delta_m (D)
     * @param adapters every LoRA adapter whose penalty enters the objective
     * @return the loss value (reshape term + penalty)
     */
    public static double backward(Path path, Tensor h, Tensor h0, Tensor sign, Tensor deltaMasked,
                                  List<LoraFactors> adapters) {
        return backward(path, h, h0, sign, deltaMasked, adapters, 1.0);
    }

    /** As above with the penalty weighted {@code penaltyWeight} (0 leaves it out). */
    public static double backward(Path path, Tensor h, Tensor h0, Tensor sign, Tensor deltaMasked,
                                  List<LoraFactors> adapters, double penaltyWeight) {
        if (!(penaltyWeight >= 0) || !Double.isFinite(penaltyWeight))
            throw new IllegalArgumentException("penalty weight " + penaltyWeight + " must be a finite number >= 0");
        if (KernelPath.resolve(path) == Path.REFERENCE) {
            Tensor loss = ReferenceLosses.reshapeLoss(h, h0, sign, deltaMasked)
                    .add(ReferenceLosses.loraPenalty(adapters).mul(new org.bytedeco.pytorch.Scalar(penaltyWeight)));
            loss.backward();
            return loss.item_double();
        }
        FusedLosses.ReshapeLoss reshape = FusedLosses.reshapeLoss(h, h0, sign, deltaMasked);
        reshape.backward(h);
        if (penaltyWeight == 0) return reshape.loss().item_double();
        FusedLosses.LoraPenalty penalty = FusedLosses.loraPenalty(adapters);
        penalty.addToGradients(adapters, penaltyWeight);
        return reshape.loss().item_double() + penaltyWeight * penalty.penalty().item_double();
    }
}
