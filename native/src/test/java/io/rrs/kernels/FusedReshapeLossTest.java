package io.rrs.kernels;

import static io.rrs.kernels.TensorChecks.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The fused reshape loss against the libtorch-ops reference differentiated by autograd. */
class FusedReshapeLossTest {

    /** Random H, H0, alternating signs (+1 harmful, -1 benign) and delta_m of width d. */
    private static Tensor[] inputs(long b, long d, long seed) {
        torch.manual_seed(seed);
        Tensor h = torch.randn(b, d), h0 = torch.randn(b, d), deltaMasked = torch.randn(d).mul(new Scalar(0.5));
        Tensor sign = torch.arange(new Scalar(b)).remainder(new Scalar(2)).mul(new Scalar(-2.0)).add(new Scalar(1.0))
                .to(ScalarType.Float);
        return new Tensor[] {h, h0, sign, deltaMasked};
    }

    @ParameterizedTest(name = "float32 B={0} D={1}")
    @CsvSource({"1, 1", "1, 7", "2, 3", "3, 4099", "8, 4096", "5, 33"})
    void matchesAutogradReferenceInFloat32(long b, long d) {
        try (PointerScope scope = new PointerScope()) {
            Tensor[] in = inputs(b, d, 17 * b + d);
            Tensor h = in[0].set_requires_grad(true);
            Tensor reference = ReferenceLosses.reshapeLoss(h, in[1], in[2], in[3]);
            reference.backward();

            FusedLosses.ReshapeLoss fused = FusedLosses.reshapeLoss(h, in[1], in[2], in[3]);
            assertClose("loss", fused.loss(), reference.detach(), 1e-5);
            assertClose("dL/dH", fused.gradH(), h.grad(), 1e-5);
            assertEquals(ScalarType.Float.value, fused.gradH().scalar_type().value);
            assertEquals(0, fused.loss().dim(), "the loss is a 0-dim tensor");
            assertEquals(FusedLosses.Path.CPU, fused.path(), "CPU tensors run on the CPU kernels");
        }
    }

    @ParameterizedTest(name = "bfloat16 B={0} D={1}")
    @CsvSource({"1, 1", "3, 4099", "8, 4096"})
    void matchesReferenceInBfloat16(long b, long d) {
        try (PointerScope scope = new PointerScope()) {
            Tensor[] in = inputs(b, d, 5 * b + d);
            Tensor h = in[0].to(ScalarType.BFloat16).set_requires_grad(true);
            Tensor h0 = in[1].to(ScalarType.BFloat16);
            Tensor reference = ReferenceLosses.reshapeLoss(h, h0, in[2], in[3]);
            reference.backward();

            FusedLosses.ReshapeLoss fused = FusedLosses.reshapeLoss(h, h0, in[2], in[3]);
            // Both read the same bf16 values and accumulate in float32: the loss agrees to float precision.
            assertClose("loss", fused.loss(), reference.detach(), 1e-5);
            // The gradient is stored in bfloat16 (8 significant bits): one rounding step apart at most.
            assertEquals(ScalarType.BFloat16.value, fused.gradH().scalar_type().value);
            assertClose("dL/dH", fused.gradH(), h.grad(), 1.0 / 128);
        }
    }

    @Test
    void backwardOfTheFusedGradientReachesTheParameters() {
        try (PointerScope scope = new PointerScope()) {
            Tensor[] in = inputs(4, 9, 3);
            Tensor weight = torch.randn(9, 9).set_requires_grad(true);
            Tensor h = in[0].mm(weight);
            FusedLosses.ReshapeLoss fused = FusedLosses.reshapeLoss(h, in[1], in[2], in[3]);
            fused.backward(h);
            Tensor fusedGrad = weight.grad().clone();

            weight.grad().zero_();
            ReferenceLosses.reshapeLoss(in[0].mm(weight), in[1], in[2], in[3]).backward();
            assertClose("dL/dW through H.backward(dL/dH)", fusedGrad, weight.grad(), 1e-5);
        }
    }

    @Test
    void rejectsMismatchedInputsBeforeNativeCode() {
        try (PointerScope scope = new PointerScope()) {
            Tensor[] in = inputs(3, 8, 1);
            var wrongH0 = assertThrows(IllegalArgumentException.class,
                    () -> FusedLosses.reshapeLoss(in[0], torch.randn(3, 7), in[2], in[3]));
            assertTrue(wrongH0.getMessage().contains("H0"), wrongH0.getMessage());
            var wrongSign = assertThrows(IllegalArgumentException.class,
                    () -> FusedLosses.reshapeLoss(in[0], in[1], torch.randn(2), in[3]));
            assertTrue(wrongSign.getMessage().contains("sign"), wrongSign.getMessage());
            var wrongDelta = assertThrows(IllegalArgumentException.class,
                    () -> FusedLosses.reshapeLoss(in[0], in[1], in[2], torch.randn(9)));
            assertTrue(wrongDelta.getMessage().contains("deltaMasked"), wrongDelta.getMessage());
            var mixedDtype = assertThrows(IllegalArgumentException.class,
                    () -> FusedLosses.reshapeLoss(in[0], in[1].to(ScalarType.BFloat16), in[2], in[3]));
            assertTrue(mixedDtype.getMessage().contains("dtype"), mixedDtype.getMessage());
            var doubleH = assertThrows(IllegalArgumentException.class, () -> FusedLosses.reshapeLoss(
                    in[0].to(ScalarType.Double), in[1].to(ScalarType.Double), in[2], in[3]));
            assertTrue(doubleH.getMessage().contains("Float or BFloat16"), doubleH.getMessage());
            assertThrows(IllegalArgumentException.class, () -> FusedLosses.reshapeLoss(torch.randn(8), in[1], in[2], in[3]));
        }
    }
}
