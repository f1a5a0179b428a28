package io.rrs.kernels;

import java.util.List;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The RRS losses written with plain libtorch ops, differentiated by autograd: the reference path
 * that the fused kernels are tested against and that the trainer can select instead of them.
 * The LoRA penalty here materialises {@code s * B A} as the authors' code does.
 */
public final class ReferenceLosses {
    private ReferenceLosses() {}

    /** {@code mean((H - H0 - sign_b * deltaMasked)^2)} in float32, differentiable in H. */
    public static Tensor reshapeLoss(Tensor h, Tensor h0, Tensor sign, Tensor deltaMasked) {
        Tensor shift = sign.to(ScalarType.Float).unsqueeze(1).mul(deltaMasked.to(ScalarType.Float));
        Tensor diff = h.to(ScalarType.Float).sub(h0.to(ScalarType.Float)).sub(shift);
        return diff.mul(diff).mean();
    }

    /** {@code sum_i ||s_i B_i A_i||_F^2}, materialising each {@code s B A}; differentiable in A and B. */
    public static Tensor loraPenalty(List<LoraFactors> adapters) {
        Tensor total = torch.zeros(new long[0], new TensorOptions(ScalarType.Float));
        for (LoraFactors f : adapters) {
            Tensor delta = f.b().mm(f.a()).mul(new Scalar(f.scale()));
            total = total.add(delta.mul(delta).sum());
        }
        return total;
    }

    /** The same penalty in Gram form with libtorch ops: {@code sum s^2 sum((B^T B) * (A A^T))}. */
    public static Tensor loraPenaltyGram(List<LoraFactors> adapters) {
        Tensor total = torch.zeros(new long[0], new TensorOptions(ScalarType.Float));
        for (LoraFactors f : adapters) {
            Tensor gramB = f.b().t().mm(f.b()), gramA = f.a().mm(f.a().t());
            total = total.add(gramB.mul(gramA).sum().mul(new Scalar(f.scale() * f.scale())));
        }
        return total;
    }

    /** Class statistics in float64 libtorch ops; the mask as bool. Returns {means H, means B, delta, c, mask}. */
    public static Tensor[] classStatistics(Tensor harmful, Tensor benign, Tensor lmHeadRow, FeatureMask mask) {
        Tensor meanH = harmful.to(ScalarType.Double).mean(0), meanB = benign.to(ScalarType.Double).mean(0);
        Tensor delta = meanH.sub(meanB);
        Tensor contrib = lmHeadRow.to(ScalarType.Double).mul(delta);
        Tensor keep;
        if (mask.isPositive()) {
            keep = contrib.gt(new Scalar(0.0));
        } else {
            // A stable descending sort keeps equal contributions in index order: ties go to the lower index.
            Tensor order = contrib.sort(new BoolOptional(true), 0, true).get1();
            long k = mask.keptFeatures(contrib.size(0));
            keep = torch.zeros_like(contrib).index_fill_(0, order.narrow(0, 0, k), new Scalar(1.0)).to(ScalarType.Bool);
        }
        return new Tensor[] {meanH, meanB, delta, contrib, keep};
    }
}
