package io.rrs.kernels;

import static io.rrs.kernels.TensorChecks.assertClose;
import static io.rrs.kernels.TensorChecks.assertSame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CUDA path through the bridge against the CPU kernels, on CUDA tensors. Runs only where the
 * library is a CUDA build, a device exists and libtorch has CUDA (build with -Pgpu); elsewhere it
 * is skipped, and FusedKernelsLoadTest checks the CPU fallback instead.
 */
class FusedCudaPathTest {

    @BeforeEach
    void requireCuda() {
        assumeTrue(NativeKernels.cudaUsable(), "no CUDA kernels here: " + NativeKernels.describe());
        assumeTrue(torch.cuda_is_available(), "libtorch without CUDA (build with -Pgpu)");
    }

    @Test
    void reshapeLossOnCudaMatchesCpu() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(9);
            for (ScalarType type : new ScalarType[] {ScalarType.Float, ScalarType.BFloat16}) {
                Tensor h = torch.randn(5, 4099).to(type), h0 = torch.randn(5, 4099).to(type);
                Tensor sign = torch.tensor(new float[] {1, -1, 1, -1, 1}), delta = torch.randn(4099);
                FusedLosses.ReshapeLoss cpu = FusedLosses.reshapeLoss(h, h0, sign, delta);
                FusedLosses.ReshapeLoss gpu = FusedLosses.reshapeLoss(h.cuda(), h0.cuda(), sign.cuda(), delta.cuda());
                assertEquals(FusedLosses.Path.CUDA, gpu.path());
                assertClose("loss " + type, gpu.loss().cpu(), cpu.loss(), 1e-5);
                assertClose("dL/dH " + type, gpu.gradH().cpu(), cpu.gradH(), type == ScalarType.Float ? 1e-6 : 1.0 / 128);
            }
        }
    }

    @Test
    void classStatisticsOnCudaMatchCpu() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(10);
            Tensor harmful = torch.randn(40, 1031).round(), benign = torch.randn(30, 1031).round(), w = torch.randn(1031).sign();
            for (FeatureMask mask : new FeatureMask[] {FeatureMask.positive(), FeatureMask.topPercent(12.5)}) {
                FusedLosses.ClassStatistics cpu = FusedLosses.classStatistics(harmful, benign, w, mask);
                FusedLosses.ClassStatistics gpu = FusedLosses.classStatistics(harmful.cuda(), benign.cuda(), w.cuda(), mask);
                assertEquals(FusedLosses.Path.CUDA, gpu.path());
                assertClose("contributions", gpu.contributions().cpu(), cpu.contributions(), 1e-12);
                assertSame("mask " + mask, gpu.mask().cpu(), cpu.mask());
            }
        }
    }

    @Test
    void loraPenaltyOnCudaMatchesCpu() {
        try (PointerScope scope = new PointerScope()) {
            List<LoraFactors> cpu = FusedLoraPenaltyTest.adapters(12, new long[] {1, 1, 1}, new long[] {129, 70, 16},
                    new long[] {300, 257, 8});
            List<LoraFactors> gpu = new ArrayList<>();
            for (LoraFactors f : cpu) gpu.add(new LoraFactors(f.a().detach().cuda(), f.b().detach().cuda(), f.scale()));
            FusedLosses.LoraPenalty expected = FusedLosses.loraPenalty(cpu), actual = FusedLosses.loraPenalty(gpu);
            assertEquals(FusedLosses.Path.CUDA, actual.path());
            assertClose("penalty", actual.penalty().cpu(), expected.penalty(), 1e-5);
            for (int i = 0; i < cpu.size(); i++) {
                assertClose("dA " + i, actual.gradA().get(i).cpu(), expected.gradA().get(i), 1e-5);
                assertClose("dB " + i, actual.gradB().get(i).cpu(), expected.gradB().get(i), 1e-5);
            }
        }
    }
}
