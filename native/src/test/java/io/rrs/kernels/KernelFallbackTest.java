package io.rrs.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * Without librrs_kernels.so (a machine with Java and Maven only), a request for the fused path runs the
 * libtorch-op reference instead, with the same loss, and says so; with the library, nothing changes.
 * The missing library is simulated in a child JVM ({@code -Drrs.kernels.library} pointing nowhere),
 * since a JVM loads the library once.
 */
class KernelFallbackTest {

    /** Child: prints the resolved path and the objective computed through the FUSED request. */
    public static void main(String[] args) {
        System.out.println("path=" + KernelPath.resolve(RrsObjective.Path.FUSED));
        System.out.println("loss=" + fixedObjective(RrsObjective.Path.FUSED));
    }

    static double fixedObjective(RrsObjective.Path path) {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(7);
            Tensor h = torch.randn(3, 8).requires_grad_(true), h0 = torch.randn(3, 8), delta = torch.randn(8);
            Tensor sign = io.rrs.model.Tensors.floats(new float[] {1, -1, 1}, 3);
            return RrsObjective.backward(path, h, h0, sign, delta, List.of());
        }
    }

    @Test
    void withTheLibraryTheFusedPathStays() {
        assertTrue(KernelPath.fusedAvailable());
        assertEquals(RrsObjective.Path.FUSED, KernelPath.resolve(RrsObjective.Path.FUSED));
        assertEquals(RrsObjective.Path.REFERENCE, KernelPath.resolve(RrsObjective.Path.REFERENCE));
    }

    @Test
    void withoutTheLibraryTheReferencePathRunsWithTheSameLossAndSaysSo() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Drrs.kernels.library=/nonexistent/librrs_kernels.so",
                "-cp", System.getProperty("java.class.path"), KernelFallbackTest.class.getName()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("path=REFERENCE"), out);
        assertTrue(out.contains("the fused loss kernels are not available") && out.contains("/nonexistent/librrs_kernels.so"), out);
        double childLoss = Double.parseDouble(out.lines().filter(l -> l.startsWith("loss=")).findFirst().orElseThrow().substring(5));
        assertEquals(fixedObjective(RrsObjective.Path.FUSED), childLoss, 1e-5, "the reference path gives the fused kernels' loss");
    }
}
