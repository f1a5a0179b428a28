package io.rrs.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rrs.trainer.Doctor;
import java.io.File;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** librrs_kernels.so loads from the build, says what it is, and falls back to the CPU without a GPU. */
class FusedKernelsLoadTest {

    /** Mirrors cuda/Makefile: a CUDA build where nvcc is found, unless RRS_CUDA forces the choice. */
    private static boolean expectCudaBuild() {
        String forced = System.getenv("RRS_CUDA");
        if (forced != null && !forced.isEmpty()) return forced.equals("1");
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(new File(dir, "nvcc").toPath())) return true;
        }
        return Files.isExecutable(new File("/usr/local/cuda/bin/nvcc").toPath());
    }

    @Test
    void libraryMatchesTheBuildMachineAndReportsItsPath() {
        assertTrue(Files.isRegularFile(NativeKernels.library()), "loaded from " + NativeKernels.library());
        // Where nvcc exists the Maven build compiled the CUDA sources into the library (compile check in CI).
        assertEquals(expectCudaBuild(), NativeKernels.isCudaBuild(), NativeKernels.describe());
        String description = NativeKernels.describe();
        assertTrue(description.contains(NativeKernels.isCudaBuild() ? "CUDA build" : "CPU-only build"), description);
        if (NativeKernels.cudaDevices() == 0) {
            assertTrue(description.contains("CPU"), "without a GPU the library says it runs on the CPU: " + description);
            assertTrue(!NativeKernels.cudaUsable());
        }
    }

    @Test
    void doctorProbesAnswerInOneLine() {
        String kernels = Doctor.kernels(), libtorch = Doctor.libtorch(), cuda = Doctor.cuda();
        assertTrue(kernels.contains("librrs_kernels.so"), kernels);
        assertTrue(libtorch.startsWith("loaded"), libtorch);
        assertTrue(cuda.startsWith("libtorch CUDA"), cuda);
        for (String line : new String[] {kernels, libtorch, cuda}) assertTrue(!line.contains("\n"), line);
    }
}
