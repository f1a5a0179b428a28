package io.rrs.kernels;

import static io.rrs.kernels.TensorChecks.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** The Gram-form LoRA penalty against materialising s * B A with libtorch ops and autograd. */
class FusedLoraPenaltyTest {

    /** Adapters of the given {out, in, rank} shapes with random factors that require grad. */
    static List<LoraFactors> adapters(long seed, long[]... shapes) {
        torch.manual_seed(seed);
        List<LoraFactors> list = new ArrayList<>();
        for (long[] s : shapes) {
            Tensor a = torch.randn(s[2], s[1]).mul(new Scalar(0.1)).set_requires_grad(true);
            Tensor b = torch.randn(s[0], s[2]).mul(new Scalar(0.1)).set_requires_grad(true);
            list.add(new LoraFactors(a, b, 4.0 / s[2]));
        }
        return list;
    }

    @Test
    void matchesMaterialisedReferenceOnOddShapes() {
        try (PointerScope scope = new PointerScope()) {
            List<LoraFactors> list = adapters(7, new long[] {1, 1, 1}, new long[] {5, 3, 1}, new long[] {17, 9, 4},
                    new long[] {33, 70, 5}, new long[] {129, 7, 16}, new long[] {64, 48, 16});
            Tensor reference = ReferenceLosses.loraPenalty(list);
            reference.backward();

            FusedLosses.LoraPenalty fused = FusedLosses.loraPenalty(list);
            assertClose("penalty", fused.penalty(), reference.detach(), 1e-5);
            for (int i = 0; i < list.size(); i++) {
                assertClose("dA of adapter " + i, fused.gradA().get(i), list.get(i).a().grad(), 1e-5);
                assertClose("dB of adapter " + i, fused.gradB().get(i), list.get(i).b().grad(), 1e-5);
            }
            assertClose("Gram form in libtorch ops", ReferenceLosses.loraPenaltyGram(list).detach(), reference.detach(), 1e-5);
            assertEquals(FusedLosses.Path.CPU, fused.path());
        }
    }

    @Test
    void addToGradientsAccumulatesLikeBackward() {
        try (PointerScope scope = new PointerScope()) {
            List<LoraFactors> list = adapters(3, new long[] {6, 5, 2}, new long[] {4, 8, 3});
            // Reference: some other loss first, then the penalty, both through autograd.
            for (LoraFactors f : list) f.b().mm(f.a()).sum().backward();
            ReferenceLosses.loraPenalty(list).backward();
            List<Tensor> expected = new ArrayList<>();
            for (LoraFactors f : list) {
                expected.add(f.a().grad().clone());
                expected.add(f.b().grad().clone());
                f.a().grad().zero_();
                f.b().grad().zero_();
            }
            for (LoraFactors f : list) f.b().mm(f.a()).sum().backward();
            FusedLosses.loraPenalty(list).addToGradients(list);
            for (int i = 0; i < list.size(); i++) {
                assertClose("accumulated dA " + i, list.get(i).a().grad(), expected.get(2 * i), 1e-5);
                assertClose("accumulated dB " + i, list.get(i).b().grad(), expected.get(2 * i + 1), 1e-5);
            }
            // Without an existing .grad the gradient is created.
            List<LoraFactors> fresh = adapters(4, new long[] {3, 2, 1});
            FusedLosses.LoraPenalty p = FusedLosses.loraPenalty(fresh);
            p.addToGradients(fresh);
            assertTrue(fresh.get(0).a().grad().defined(), ".grad of A was created");
            assertClose("created dA", fresh.get(0).a().grad(), p.gradA().get(0), 0);
        }
    }

    @Test
    void noAdaptersGiveZero() {
        try (PointerScope scope = new PointerScope()) {
            assertEquals(0.0, FusedLosses.loraPenalty(List.of()).penalty().item_double());
        }
    }

    @Test
    void rejectsMismatchedFactors() {
        try (PointerScope scope = new PointerScope()) {
            var rank = assertThrows(IllegalArgumentException.class, () -> FusedLosses.loraPenalty(
                    List.of(new LoraFactors(torch.randn(4, 10), torch.randn(6, 3), 1.0))));
            assertTrue(rank.getMessage().contains("adapter 0") && rank.getMessage().contains("rank"), rank.getMessage());
            var dtype = assertThrows(IllegalArgumentException.class, () -> FusedLosses.loraPenalty(List.of(
                    new LoraFactors(torch.randn(4, 10).to(ScalarType.BFloat16), torch.randn(6, 4), 1.0))));
            assertTrue(dtype.getMessage().contains("float32"), dtype.getMessage());
        }
    }
}
