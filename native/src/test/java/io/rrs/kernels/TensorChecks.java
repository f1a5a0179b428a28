package io.rrs.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Shared comparisons for the kernel parity tests. */
final class TensorChecks {
    private TensorChecks() {}

    /** max |actual - expected| / max |expected|, in float64. */
    static double relativeDifference(Tensor actual, Tensor expected) {
        assertEquals(FusedLosses.shape(expected), FusedLosses.shape(actual), "shapes differ");
        Tensor a = actual.detach().to(ScalarType.Double), e = expected.detach().to(ScalarType.Double);
        double diff = a.sub(e).abs().max().item_double();
        double scale = Math.max(e.abs().max().item_double(), 1e-30);
        return diff / scale;
    }

    static void assertClose(String what, Tensor actual, Tensor expected, double tolerance) {
        double rel = relativeDifference(actual, expected);
        assertTrue(rel <= tolerance, what + ": relative difference " + rel + " exceeds " + tolerance);
    }

    static void assertSame(String what, Tensor actual, Tensor expected) {
        Tensor a = actual.to(ScalarType.Long), e = expected.to(ScalarType.Long);
        long mismatches = a.ne(e).sum().item_long();
        assertEquals(0, mismatches, what + ": " + mismatches + " entries differ");
    }
}
