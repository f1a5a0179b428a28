package io.rrs.kernels;

import static io.rrs.kernels.TensorChecks.assertClose;
import static io.rrs.kernels.TensorChecks.assertSame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fused class statistics against the same statistics in float64 libtorch ops. */
class FusedClassStatisticsTest {

    private static void assertMatchesReference(Tensor harmful, Tensor benign, Tensor w, FeatureMask mask) {
        FusedLosses.ClassStatistics fused = FusedLosses.classStatistics(harmful, benign, w, mask);
        Tensor[] ref = ReferenceLosses.classStatistics(harmful, benign, w, mask);
        assertClose("mean harmful", fused.meanHarmful(), ref[0], 1e-12);
        assertClose("mean benign", fused.meanBenign(), ref[1], 1e-12);
        assertClose("delta", fused.delta(), ref[2], 1e-12);
        assertClose("contributions", fused.contributions(), ref[3], 1e-12);
        assertSame("mask (" + mask + ")", fused.mask(), ref[4]);
        assertClose("delta_m", fused.deltaMasked(), ref[2].mul(ref[4].to(ScalarType.Double)), 1e-7);
        if (!mask.isPositive()) {
            assertEquals(mask.keptFeatures(harmful.size(1)), fused.mask().sum().item_long(), "kept features");
        }
    }

    @ParameterizedTest(name = "float32 Nh={0} Nb={1} D={2} top={3}%")
    @CsvSource({"1, 1, 1, 0", "5, 3, 37, 0", "5, 3, 37, 12.5", "7, 9, 4099, 25", "4, 4, 4096, 50", "2, 6, 10, 100"})
    void matchesReference(long harmfulRows, long benignRows, long d, double topPercent) {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(harmfulRows * 1000 + d);
            Tensor harmful = torch.randn(harmfulRows, d).add(new Scalar(0.1)), benign = torch.randn(benignRows, d);
            Tensor w = torch.randn(d);
            FeatureMask mask = topPercent == 0 ? FeatureMask.positive() : FeatureMask.topPercent(topPercent);
            assertMatchesReference(harmful, benign, w, mask);
        }
    }

    @Test
    void topPercentBreaksTiesByIndex() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(11);
            // Integer-valued representations and lm_head row: contributions take few distinct values.
            Tensor harmful = torch.randn(2, 64).mul(new Scalar(1.5)).round();
            Tensor benign = torch.randn(2, 64).round();
            Tensor w = torch.randn(64).sign();
            Tensor c = ReferenceLosses.classStatistics(harmful, benign, w, FeatureMask.positive())[3];
            Tensor sorted = c.sort().get0();
            long distinct = 1 + sorted.narrow(0, 1, 63).ne(sorted.narrow(0, 0, 63)).sum().item_long();
            assertTrue(distinct < 40, "the inputs must produce ties (" + distinct + " distinct of 64)");
            for (double percent : new double[] {12.5, 25, 50}) {
                assertMatchesReference(harmful, benign, w, FeatureMask.topPercent(percent));
            }
            // All equal: the first k features win.
            Tensor same = torch.ones(3, 16);
            FusedLosses.ClassStatistics flat = FusedLosses.classStatistics(same.mul(new Scalar(2.0)), same,
                    torch.ones(16), FeatureMask.topPercent(25));
            assertEquals("[1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]", render(flat.mask()));
        }
    }

    @Test
    void bfloat16RepresentationsAccumulateInFloat64() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(5);
            Tensor harmful = torch.randn(33, 257).to(ScalarType.BFloat16), benign = torch.randn(20, 257).to(ScalarType.BFloat16);
            assertMatchesReference(harmful, benign, torch.randn(257), FeatureMask.topPercent(25));
            assertMatchesReference(harmful, benign, torch.randn(257), FeatureMask.positive());
        }
    }

    @Test
    void nativeErrorsBecomeKernelExceptions() {
        try (PointerScope scope = new PointerScope()) {
            Tensor harmful = torch.randn(2, 5);
            harmful.index_fill_(1, torch.zeros(new long[] {1}, new org.bytedeco.pytorch.TensorOptions(ScalarType.Long)),
                    new Scalar(Double.NaN));
            KernelException e = assertThrows(KernelException.class,
                    () -> FusedLosses.classStatistics(harmful, torch.randn(2, 5), torch.randn(5), FeatureMask.positive()));
            assertTrue(e.getMessage().contains("contribution 0 is NaN"), e.getMessage());
        }
    }

    @Test
    void rejectsMismatchedInputs() {
        try (PointerScope scope = new PointerScope()) {
            var width = assertThrows(IllegalArgumentException.class, () -> FusedLosses.classStatistics(
                    torch.randn(2, 5), torch.randn(2, 6), torch.randn(5), FeatureMask.positive()));
            assertTrue(width.getMessage().contains("width"), width.getMessage());
            var row = assertThrows(IllegalArgumentException.class, () -> FusedLosses.classStatistics(
                    torch.randn(2, 5), torch.randn(2, 5), torch.randn(4), FeatureMask.positive()));
            assertTrue(row.getMessage().contains("lmHeadRow"), row.getMessage());
            assertThrows(IllegalArgumentException.class, () -> FeatureMask.topPercent(0));
            assertThrows(IllegalArgumentException.class, () -> FeatureMask.topPercent(101));
        }
    }

    private static String render(Tensor mask) {
        StringBuilder s = new StringBuilder("[");
        for (long i = 0; i < mask.size(0); i++) {
            s.append(i == 0 ? "" : ", ").append(mask.get(i).item_bool() ? 1 : 0);
        }
        return s.append(']').toString();
    }
}
